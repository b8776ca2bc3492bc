"""How services check what they are given: one `FieldErrors` per user action collects every problem by the field
it is about, so that one answer names them all and nothing is written while any remains; the validators below
read a raw value (as typed in a form, sent as JSON or read from a file), add their message when it is bad, and
return the clean value.

Pages place the errors next to their fields (`qibu.core.forms.apply_errors`) and the API answers them as
`{"detail": [{"field", "message"}]}` (`field_problems`): the same messages, in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Choices, IntegerChoices
from django.utils.translation import gettext as _

from qibu.core.numbers import NumberFormat

# How long a text may be, by kind (every service that stores text checks it with `clean_text`, and forms give the
# same number to the browser as `maxlength`): a 1 MB vision would make every member's home page 1 MB.
TITLE_MAX = 200  # objective, key result, milestone and strategic goal titles
NAME_MAX = 150  # the organisation's, departments', teams' and people's names; job titles
SHORT_NAME_MAX = 100  # cycle and API token names
UNIT_MAX = 20  # a key result's unit
STATEMENT_MAX = 2000  # the organisation's vision and mission
NOTE_MAX = 2000  # a check-in's note and the reason confidence fell
COMMENT_MAX = 2000  # a comment on an objective, key result or check-in
TEXT_MAX = 5000  # descriptions: of an objective, of a strategic goal
# Numbers are stored with 4 decimals. SQLite keeps a decimal column as a double, exact to 15 significant digits
# (Django reads it back with 15), so values keep 11 digits before the point: up to 99,999,999,999.9999, stored
# and read back exactly on SQLite and PostgreSQL alike. Beyond it a value would come back changed (or not at all).
NUMBER_PLACES = 4
NUMBER_LIMIT = Decimal("1e11")

C = TypeVar("C")


class FieldErrors:
    """The problems of one user action, by field (`None`: about no single field)."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}

    def add(self, field: str | None, message: str) -> None:
        self._errors.setdefault(field or NON_FIELD_ERRORS, []).append(str(message))

    def merge(self, exc: ValidationError) -> None:
        """Take in the errors of a ValidationError, e.g. of a model's `full_clean`."""
        for field, message in field_problems(exc):
            self.add(field, message)

    def __contains__(self, field: object) -> bool:
        return field in self._errors

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError({field: list(messages) for field, messages in self._errors.items()})


def field_problems(exc: ValidationError) -> Iterator[tuple[str | None, str]]:
    """(field, message) for every message of a ValidationError; the field is None when it is about no field."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                yield (None if field == NON_FIELD_ERRORS else field), message
    else:
        for message in exc.messages:
            yield None, message


def _too_long(value: str, max_length: int) -> str:
    return _("At most %(max)d characters (this one has %(n)d).") % {"max": max_length, "n": len(value)}


def clean_text(
    errors: FieldErrors, field: str, value: Any, *, max_length: int = TEXT_MAX, missing: str | None = None
) -> str:
    """Text without surrounding blanks, at most `max_length` characters; with `missing`, refused when empty."""
    text = "" if value is None else str(value).strip()
    if not text and missing is not None:
        errors.add(field, missing)
    elif len(text) > max_length:
        errors.add(field, _too_long(text, max_length))
    return text


def clean_title(errors: FieldErrors, field: str, value: Any, *, max_length: int = TITLE_MAX) -> str:
    """The title of an objective, key result or milestone: required, at most 200 characters."""
    return clean_text(errors, field, value, max_length=max_length, missing=_("Give it a title."))


def clean_decimal(
    errors: FieldErrors, field: str, value: Any, *, required: bool = True, places: int = NUMBER_PLACES
) -> Decimal | None:
    """A number as it will be stored (rounded to `places` decimals, below `NUMBER_LIMIT`), so that what is computed
    from it now equals what is computed later from the database, on SQLite and PostgreSQL alike. Grouping commas
    are allowed. Every number a person types into Qibu passes here."""
    if value is None or value == "":
        if required:
            errors.add(field, _("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.add(field, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if abs(number) < NUMBER_LIMIT:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if abs(number) >= NUMBER_LIMIT:
        errors.add(
            field,
            _("Enter a number smaller than %(limit)s (and greater than −%(limit)s).")
            % {"limit": NumberFormat().number(NUMBER_LIMIT)},
        )
        return None
    return number


def clean_weight(errors: FieldErrors, field: str, value: Any) -> Decimal:
    """MEAS-4 weight: 0.01 to 1000, two decimals; 1 when not given."""
    number = clean_decimal(errors, field, value if value not in (None, "") else "1", places=2)
    if number is not None and not (Decimal("0.01") <= number <= Decimal("1000")):
        errors.add(field, _("A weight is between 0.01 and 1000."))
    return number if number is not None else Decimal(1)


def clean_confidence(errors: FieldErrors, field: str, value: Any) -> int:
    """MEAS-5 confidence: a whole percentage from 0 to 100."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("Confidence is a whole number from 0 to 100."))
        return 0
    if not 0 <= number <= 100:
        errors.add(field, _("Confidence is a whole number from 0 to 100."))
    return number


def clean_choice(errors: FieldErrors, field: str, value: Any, choices: type[Choices], default: C) -> C:
    """One of the values of `choices`; `default` when not given (or, with an error, when unknown). An integer
    choice may come as the digits typed in a form or a query string."""
    if value in (None, ""):
        return default
    if issubclass(choices, IntegerChoices) and isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if value not in choices.values:
        errors.add(field, _("“%(value)s” is not one of the choices.") % {"value": value})
        return default
    chosen: C = value
    return chosen


def clean_date_range(
    errors: FieldErrors, start: dt.date, end: dt.date, *, field: str = "end_date"
) -> tuple[dt.date, dt.date]:
    """SET-8: a period ends on or after its start."""
    if end < start:
        errors.add(field, _("The end date is before the start date."))
    return start, end
