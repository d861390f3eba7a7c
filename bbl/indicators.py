"""The indicators the product publishes, documented for analysts in meta.indicators
(title, unit, definition, sources, caveats), from indicators.yaml beside this module."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bbl.yamlsafe import load_yaml

INDICATORS_YAML = Path(__file__).with_name("indicators.yaml")
COLUMNS = ("name", "title", "unit", "definition", "sources", "caveats")


def indicator_definitions() -> pl.DataFrame:
    rows = load_yaml(INDICATORS_YAML.read_text(encoding="utf-8"))
    return pl.DataFrame([{k: " ".join(str(r[k]).split()) for k in COLUMNS} for r in rows])


def vakkrachten_claimed() -> dict[str, float]:
    """The letter's 'zo'n 10.000 vacatures per jaar', from the claim ledger (bbl/claims/vacancies.yaml)."""
    from bbl.claims.ledger import load_claims

    claim = next(c for c in load_claims() if c.id == "vakkrachten_10000")
    return {"claimed": float(claim.headline.params["vacancies"])}
