"""Money and days as the support events publish them, read the same way by every
service that computes with them (support decides, reporting reconciles).

Money is integer pence. Days are decimals to the hundredth ("1.50"), never
floats: a framework's float goes through its text (0.1 is 0.10). The cost of
days is days x day rate rounded half up to the penny (``cost_pence`` in
SupportCommissioned); people read money as £1,234.56.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def days(value: float | int | str | Decimal) -> Decimal:
    """Days to the hundredth."""
    return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def days_text(value: Decimal) -> str:
    """The published form: two places, e.g. '0.50' (negative where a balance is)."""
    return f"{value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP):.2f}"


def cost(of_days: Decimal, rate_pence: int) -> int:
    """Days x day rate, to the penny (half up)."""
    return int((of_days * rate_pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds(pence: int) -> str:
    """Money as people read it: £1,234.56 (-£12.00 when negative)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}\u00a3{whole:,}.{part:02d}"
