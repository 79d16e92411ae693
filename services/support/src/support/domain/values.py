"""Value rules of the support service, each written once: days, money, terms,
text, ids, need areas, the day in England.

Days are ``Decimal`` to the hundredth everywhere in the domain; events and
replies carry them as text with two places (``"1.50"``); a request may give at
most two places ("1", "0.5", "2.25"). Money is integer pence; the cost of days
is ``days x day rate`` rounded half up to the penny; messages show money as
``£1,234.56`` (``pounds``). Each refusal names the field and what would be right.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from chassis.errors import InvalidArgument
from chassis.ids import require_id
from contracts import limits
from contracts.money import HUNDREDTH, cost, days, days_text, pounds
from contracts.rules import NEED_AREAS, PENCE_MAX
from contracts.values import academic_year_bounds, academic_year_of, term_of

__all__ = [
    "DAYS_MAX",
    "ZERO",
    "academic_year_of",
    "cost",
    "days",
    "days_text",
    "local_day",
    "parse_days",
    "pounds",
    "require_days",
    "require_id",
    "require_need_area",
    "require_text",
    "require_year",
    "term_label",
    "term_of",
]

ZERO = Decimal("0.00")
DAYS_MAX = Decimal("999.99")  # the published pattern: up to three digits, two places
ENGLAND = ZoneInfo("Europe/London")
_DAYS_TEXT = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def local_day(moment: dt.datetime) -> dt.date:
    """The day in England on which ``moment`` falls."""
    return moment.astimezone(ENGLAND).date()


def parse_days(text: str, field: str) -> Decimal:
    """Days as a request gives them: a number with at most two places. Its sign is
    the domain's business (``require_days``); anything else is refused here."""
    raw = text.strip()
    if not _DAYS_TEXT.match(raw):
        raise InvalidArgument(f'{field} must be a number of days such as "1", "0.5" or "2.25"')
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InvalidArgument(f"{field} must be a number of days, got {raw!r}") from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidArgument(
            f"{field} has more than two decimal places ({raw}); days go to the hundredth, "
            'e.g. "0.25"'
        )
    return value.quantize(HUNDREDTH)


def require_days(value: Decimal, field: str, allow_zero: bool = False) -> Decimal:
    """A number of days that must be positive (or, with ``allow_zero``, not negative)."""
    if value < 0 or (value == 0 and not allow_zero):
        wanted = "0 or more" if allow_zero else "more than 0"
        raise InvalidArgument(f"{field} must be {wanted} days, got {days_text(value)}")
    if value > DAYS_MAX:
        raise InvalidArgument(f"{field} must be at most {DAYS_MAX} days, got {days_text(value)}")
    return value.quantize(HUNDREDTH)


def require_pence(value: int, field: str, positive: bool = False) -> int:
    if value < 0 or (positive and value == 0):
        wanted = "more than 0" if positive else "0 or more"
        raise InvalidArgument(f"{field} must be {wanted} pence, got {value}")
    if value > PENCE_MAX:
        raise InvalidArgument(f"{field} must be at most {PENCE_MAX} pence, got {value}")
    return value


def term_label(day: dt.date) -> str:
    """'spring 2027': the term of a day and its calendar year."""
    return f"{term_of(day)} {day.year}"


def require_text(value: str, field: str, limit: int = limits.REASON_MAX) -> str:
    text = value.strip()
    if not text:
        raise InvalidArgument(f"{field} must not be empty")
    if len(text) > limit:
        raise InvalidArgument(f"{field} is {len(text):,} characters; the limit is {limit:,}")
    return text


def require_need_area(value: str, field: str = "need_area") -> str:
    area = value.strip()
    if area not in NEED_AREAS:
        raise InvalidArgument(f"{field} must be one of {', '.join(NEED_AREAS)}, got {area!r}")
    return area


def require_year(value: str, field: str = "academic_year") -> str:
    try:
        academic_year_bounds(value.strip())
    except ValueError as error:
        # The shared rule's message already names the field (as "academic_year"):
        # name it once, as this request calls it.
        raise InvalidArgument(str(error).replace("academic_year", field, 1)) from None
    return value.strip()
