"""YAML with the safe loader, in C (libyaml) where PyYAML was built with it: about 5x faster than the
pure-Python loader, with the same result for the project's files."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:  # noqa: ANN401 - whatever the document holds
    """``yaml.safe_load(text)``, with libyaml when available."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
