"""Django forms validating the API's JSON bodies and query strings."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

MAX_PAGE = 2**31 - 1
DIGITS = re.compile(r"[0-9]{1,10}")


class StrictCharField(forms.CharField):
    """A CharField that refuses JSON numbers, booleans and lone surrogates (no str())."""

    def to_python(self, value: object) -> str:
        if value not in self.empty_values:
            if not isinstance(value, str):
                raise ValidationError("Must be a string.", code="invalid")
            try:
                value.encode()
            except UnicodeEncodeError:  # a lone surrogate escape such as "\ud800"
                raise ValidationError("Must be valid Unicode.", code="invalid") from None
        return super().to_python(value)


class StrictEmailField(StrictCharField, forms.EmailField):
    pass


class DigitsField(forms.IntegerField):
    """An integer written in ASCII digits only (no sign, spaces or decimals)."""

    def to_python(self, value: object) -> int | None:
        if value is None:
            return None
        if not isinstance(value, str) or not DIGITS.fullmatch(value):
            raise ValidationError("Must be a whole number.", code="invalid")
        return int(value)


class RegistrationForm(forms.Form):
    username = StrictCharField(
        min_length=3,
        max_length=32,
        strip=False,
        validators=[RegexValidator(r"\A[A-Za-z0-9_]+\Z", "Use letters, digits or underscores.")],
    )
    email = StrictEmailField(max_length=254)
    password = StrictCharField(min_length=8, max_length=128, strip=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class TokenForm(forms.Form):
    email = StrictCharField(max_length=254, strip=False)
    password = StrictCharField(max_length=128, strip=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class PostForm(forms.Form):
    title = StrictCharField(max_length=120)  # strip=True: surrounding spaces go
    body = StrictCharField(max_length=10_000, strip=False)

    @classmethod
    def partial(cls, data: dict[str, object]) -> "PostForm":
        """A form validating only the fields present (PATCH); present ones stay required."""
        form = cls(data)
        for name in list(form.fields):
            if name not in data:
                del form.fields[name]
        return form


class PageForm(forms.Form):
    page = DigitsField(required=False, min_value=1, max_value=MAX_PAGE)
    per_page = DigitsField(required=False, min_value=1, max_value=100)
