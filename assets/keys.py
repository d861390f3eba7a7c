"""The Dagster view of bbl/keys.py: the same keys as `dg.AssetKey`s."""

from __future__ import annotations

import dagster as dg

from bbl import keys

FIGURES = dg.AssetKey(list(keys.FIGURES))
INDICATORS = dg.AssetKey(list(keys.INDICATORS))
CLAIM_CHECKS = dg.AssetKey(list(keys.CLAIM_CHECKS))
CLAIM_READINGS = dg.AssetKey(list(keys.CLAIM_READINGS))
ANALYST_DATABASE = dg.AssetKey(list(keys.ANALYST_DATABASE))
REPORT = dg.AssetKey(list(keys.REPORT))


def key(path: keys.Path) -> dg.AssetKey:
    return dg.AssetKey(list(path))


def cbs(table_id: str) -> dg.AssetKey:
    return key(keys.cbs(table_id))


def duo(dataset: str) -> dg.AssetKey:
    return key(keys.duo(dataset))


def table(name: str) -> dg.AssetKey:
    return key(keys.table(name))
