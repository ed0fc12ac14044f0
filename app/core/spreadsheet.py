"""What every CSV we hand to people needs: a byte-order mark so Excel reads UTF-8, and cells
that Excel would take for a formula (=, +, -, @, tab, carriage return) made plain text."""

from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> str:
    if not value:
        return ""
    text = str(value)
    return "'" + text if looks_like_formula(text) else text
