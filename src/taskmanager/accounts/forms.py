from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField

from taskmanager.accounts.schemas import time_zones


class ProfileForm(FlaskForm):
    """Renders the profile fields and checks CSRF; the values are checked by MeUpdate."""

    name = StringField("Name")
    time_zone = SelectField("Time zone", choices=[], validate_choice=False)
    notify_assigned = BooleanField("Email me when a task is assigned to me")
    notify_mentions = BooleanField("Email me when someone @mentions me")
    notify_watching = BooleanField(
        "Email me about comments on tasks I follow, and when they are done"
    )
    # Text, not IntegerField: a WTForms number check would be a second validator.
    reminder_hours = StringField(
        "Remind me this many hours before a task is due (0 = never)",
        render_kw={"type": "number", "min": 0, "max": 168},
    )
    weekly_summary = BooleanField("Send me a summary on Monday mornings")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone) for zone in time_zones()]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post."""
