"""Dutch number, money, percentage and date formats, for every text a Dutch reader sees (the ledger's
explanations and the report): 2.216,70 / € 2.216,70 / 14,8% / 25-05-2023."""

from __future__ import annotations

import datetime as dt
import re


def nl_number(value: float | None, decimals: int = 0) -> str:
    """2216.7 -> '2.216,70' (decimals=2); None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def num(value: float) -> str:
    """A count or whole number: 11000 -> '11.000'; 483.3 -> '483,3'."""
    return nl_number(value, 0 if abs(value - round(value)) < 1e-6 else 1)


def eur(value: float) -> str:
    """Euros: 2700 -> '€ 2.700'; 2216.7 -> '€ 2.216,70'; 1.4e9 -> '€ 1,4 miljard'."""
    if abs(value) >= 1e9:
        return f"€ {nl_number(value / 1e9, 1 if (value / 1e8) % 10 else 0)} miljard"
    if abs(value) >= 1e6:
        return f"€ {nl_number(value / 1e6, 1)} miljoen"
    return f"€ {nl_number(value, 0 if float(round(value, 2)).is_integer() else 2)}"


def pct(value: float, decimals: int = 1) -> str:
    """14.81 -> '14,8%'."""
    return f"{nl_number(value, decimals)}%"


MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")


def period_nl(code: str) -> str:
    """A CBS period code in words: '2023JJ00' -> '2023', '2023KW02' -> '2e kwartaal 2023',
    '2023MM05' -> 'mei 2023'; anything else (a studiejaar) as it is."""
    m = re.fullmatch(r"(\d{4})(JJ|KW|MM)(\d{2})", code)
    if not m:
        return code
    year, kind, n = m.group(1), m.group(2), int(m.group(3))
    if kind == "JJ":
        return year
    return f"{n}e kwartaal {year}" if kind == "KW" else f"{MONTHS_NL[n - 1]} {year}"


def date_nl(value: str | dt.date | dt.datetime | None) -> str:
    """'2026-07-02T19:30:19Z' or a date -> '02-07-2026'; None or unparsable -> ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return ""


UNITS_NL = {
    "EUR per full place": "€ per volledige plaats", "EUR per student per year": "€ per student per jaar",
    "EUR per year": "€ per jaar", "bbl students": "bbl-studenten", "% of open vacancies": "% van de openstaande vacatures",
    "teachers": "docenten", "action lines": "actielijnen", "vacancies per year": "vacatures per jaar", "%": "%", "-": "",
    "bbl inflow": "nieuwe bbl-studenten (instroom)", "% of bbl inflow": "% van de instroom in de bbl",
    "% of bbl students": "% van de bbl-studenten",
}


def value_nl(value: float | None, unit: str) -> str:
    """A value in its unit, Dutch: '€ 2.216,70', '14,8%', '11.000 bbl-studenten'; None -> '–'."""
    if value is None:
        return "–"
    if unit.startswith("EUR"):
        return eur(value)
    if unit.startswith("%"):
        rest = UNITS_NL.get(unit, unit)[1:].strip()
        return pct(value) + (f" {rest}" if rest else "")
    return f"{num(value)} {UNITS_NL.get(unit, unit)}".strip()
