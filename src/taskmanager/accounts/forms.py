from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from taskmanager.accounts.services import time_zones


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=120)])
    time_zone = SelectField("Time zone", choices=[])
    notify_assigned = BooleanField("Email me when a task is assigned to me")
    notify_mentions = BooleanField("Email me when someone @mentions me")
    reminder_hours = IntegerField(
        "Remind me this many hours before a task is due (0 = never)",
        validators=[Optional(), NumberRange(min=0, max=168)],
    )
    weekly_summary = BooleanField("Send me a summary on Monday mornings")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone) for zone in time_zones()]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post."""
