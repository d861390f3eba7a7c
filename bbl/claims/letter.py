"""Claims about the letter itself and statements no open data measures: its list of action lines,
and what is not checkable. Claims: letter.yaml."""

from __future__ import annotations

from bbl.claims.model import LETTER, LETTER_REF, Computed, Inputs, compute, normalize_text


@compute()
def not_checkable(inputs: Inputs, missing: str) -> Computed:
    return Computed(None, "Geen open data meet dit.", missing=missing)


@compute()
def letter_list_items(inputs: Inputs, after: str) -> Computed:
    """The '- ' items listed in the letter right after the line that holds ``after``."""
    lines = (inputs.letter or LETTER.read_text(encoding="utf-8")).splitlines()
    wanted = normalize_text(after)
    start = next((i for i, line in enumerate(lines) if wanted in normalize_text(line)), None)
    if start is None:
        return Computed(None, "De zin staat niet in de brief.", missing="de tekst van de brief")
    items: list[str] = []
    for line in lines[start + 1:]:
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(stripped[2:].strip())
        elif stripped and items:
            break
    return Computed(float(len(items)), f"De brief somt er {len(items)} op: " + "; ".join(items) + ".",
                    [LETTER_REF])
