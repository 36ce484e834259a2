from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Length

from taskmanager.accounts.services import time_zones


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=120)])
    time_zone = SelectField("Time zone", choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone) for zone in time_zones()]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post."""
