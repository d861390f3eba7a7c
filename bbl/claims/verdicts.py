"""Verdict rules: claimed against computed, per comparison, and the verdict vocabulary."""

from __future__ import annotations

from bbl.claims.model import ClaimError

VERDICTS = (
    "supported",
    "partly supported",
    "not supported",
    "not checkable with open data",
    "pending live data",
)
COMPARISONS = ("approx", "at_least", "at_most", "range_at_least", "largest", "positive", "none")


def judge(comparison: str, claimed: float, computed: float, tolerance: float, upper: float | None = None) -> tuple[str, str]:
    """(verdict, rule) for claimed vs computed."""
    if comparison == "approx":
        ok = abs(computed - claimed) <= tolerance
        return ("supported" if ok else "not supported"), f"|computed - claimed| <= {tolerance:g}"
    if comparison == "at_least":
        return ("supported" if computed >= claimed - tolerance else "not supported"), \
            f"computed >= claimed - {tolerance:g}"
    if comparison == "at_most":
        return ("supported" if computed <= claimed + tolerance else "not supported"), \
            f"computed <= claimed + {tolerance:g}"
    if comparison == "largest":
        other = upper if upper is not None else float("inf")
        return ("supported" if computed >= other else "not supported"), "computed >= the largest other group"
    if comparison == "positive":
        return ("supported" if computed > tolerance else "not supported"), f"computed > {tolerance:g}"
    if comparison == "range_at_least":
        hi = computed if upper is None else upper
        rule = f"lowest >= claimed - {tolerance:g}: supported; highest >= claimed - {tolerance:g}: partly supported"
        if computed >= claimed - tolerance:
            return "supported", rule
        if hi >= claimed - tolerance:
            return "partly supported", rule
        return "not supported", rule
    raise ClaimError(f"no verdict rule for comparison {comparison!r}")
