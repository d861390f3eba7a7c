"""Verdict rules: claimed against computed, per comparison; the verdict, kind and direction vocabularies."""

from __future__ import annotations

from bbl.claims.model import ClaimError

VERDICTS = (
    "supported",
    "partly supported",
    "not supported",
    "not checkable with open data",
    "pending live data",
    "not a factual claim",
)
VERDICTS_NL = {
    "supported": "ondersteund",
    "partly supported": "deels ondersteund",
    "not supported": "niet ondersteund",
    "not checkable with open data": "niet toetsbaar met open data",
    "pending live data": "wacht op live data",
    "not a factual claim": "geen feitelijke bewering",
}
KINDS_NL = {"fact": "feit", "forecast": "verwachting", "request": "verzoek", "intention": "voornemen",
            "about the letter": "over het eigen plan"}
DIRECTIONS_NL = {"understated": "de brief onderschat", "overstated": "de brief overschat", "matches": "klopt"}
# What a quote is: a statement of fact, a forecast, a request (a plea to parliament), an intention or
# target of a plan, or a statement about the letter's own plan. Only facts and forecasts are judged;
# the others are listed with the verdict "not a factual claim".
KINDS = ("fact", "forecast", "request", "intention", "about the letter")
JUDGED_KINDS = ("fact", "forecast")
DIRECTIONS = ("understated", "overstated", "matches")
COMPARISONS = ("approx", "at_least", "at_most", "range_at_least", "largest", "positive", "none")
UNJUDGED = ("not checkable with open data", "pending live data", "not a factual claim")


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


def direction(verdict: str, claimed: float | None, computed: float | None, tolerance: float) -> str | None:
    """Which way the letter errs: 'understated' (the data gives more than it says), 'overstated' (less),
    'matches' (within the tolerance); None when nothing was judged or there is no number to compare."""
    if verdict in UNJUDGED or claimed is None or computed is None:
        return None
    if abs(computed - claimed) <= tolerance:
        return "matches"
    return "understated" if computed > claimed else "overstated"
