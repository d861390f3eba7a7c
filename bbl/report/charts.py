"""The report's charts: matplotlib to SVG text (inlined in the page, so it loads nothing at view time)."""

from __future__ import annotations

import html
import io
import threading
from typing import Any

from bbl.nl import nl_number

LETTER = "#8250df"  # the letter's own numbers are drawn in one colour, dotted, and say "brief"


def preload() -> threading.Thread:
    """Import matplotlib (about 1.5 s) in a background thread and return it. `bbl run` starts it when
    the run begins: the import then mostly fills the time the run waits on its storage and on the GX
    worker, instead of adding to the report step. An import that fails here fails again, with its
    message, when the report draws."""

    def load() -> None:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.backends.backend_svg  # noqa: F401 - savefig(format="svg")
            import matplotlib.lines  # noqa: F401
            import matplotlib.patches  # noqa: F401
            import matplotlib.pyplot  # noqa: F401
            import matplotlib.ticker  # noqa: F401
        except Exception:  # noqa: BLE001 - reported by the report step itself
            pass

    thread = threading.Thread(target=load, name="bbl-matplotlib-preload", daemon=True)
    thread.start()
    return thread


def _figure(width: float = 11.0, height: float = 4.6) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "bbl-stats", "font.size": 10, "axes.spines.top": False,
                         "axes.spines.right": False, "axes.formatter.use_locale": False})
    return plt.subplots(figsize=(width, height))


def _svg(fig: Any, title: str) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Title": title})
    plt.close(fig)
    text = buf.getvalue()
    svg = text[text.index("<svg"):]
    # scalable (the page sets width 100%) and named for screen readers
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1)
    return svg


def _nl_axis(ax: Any, axis: str = "y", decimals: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: nl_number(v, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _runs(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """(x, y) points, in order, split where x skips a step or y is missing: lines are drawn within a run
    only, never across missing years."""
    runs: list[list[tuple[float, float]]] = []
    for x, y in points:
        if y is None:
            continue
        if runs and runs[-1][-1][0] == x - 1:
            runs[-1].append((x, y))
        else:
            runs.append([(x, y)])
    return runs


def chart_empty(title: str, message: str) -> str:
    """A chart's place when its data is missing (pending live data, or nothing published by an as-of date)."""
    fig, ax = _figure(height=1.6)
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#424a53", wrap=True)
    return _svg(fig, f"{title}: {message}")


def _letter_line(ax: Any, y: float, label: str, x0: float | None = None, x1: float | None = None) -> None:
    if x0 is None:
        ax.axhline(y, color=LETTER, linestyle=":", linewidth=1.5)
        x1 = ax.get_xlim()[1]
    else:
        ax.hlines(y, x0, x1, color=LETTER, linestyle=":", linewidth=1.5)
    ax.text(x1, y, f" {label}", color=LETTER, fontsize=8, va="bottom", ha="right",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})


def chart_subsidy(subsidy: list[dict[str, Any]]) -> str:
    title = "Subsidie praktijkleren per volledige bbl-plaats, per studiejaar (€)"
    fig, ax = _figure()
    years = [r["studiejaar"] for r in subsidy]
    x = list(range(len(years)))
    colors = {"reported": "#0969da", "inferred": "#8cb4e8", "forecast": "#f0b429"}
    cap = subsidy[0]["max_eur"]
    for i, r in enumerate(subsidy):
        if r["amount_nominal_eur"] is not None:
            ax.bar(i, r["amount_nominal_eur"], color=colors.get(r["figure_status"], "#999"), width=0.6,
                   hatch="//" if r["figure_status"] == "forecast" else None)
            ax.text(i, r["amount_nominal_eur"] / 2, nl_number(r["amount_nominal_eur"]), ha="center", fontsize=8,
                    color="#1f2328" if r["figure_status"] != "reported" else "white")
        else:
            ax.text(i, 150, "niet\ngevonden", ha="center", va="bottom", fontsize=8, color="#424a53")
    # the real-terms line only between consecutive studiejaren with a value: no line across a gap
    for k, run in enumerate(_runs([(i, r["amount_real_eur"]) for i, r in enumerate(subsidy)])):
        ax.plot(*zip(*run, strict=True), color="#cf222e", marker="o",
                label=f"reëel (€ van {subsidy[0]['real_base_year']})" if k == 0 else None)
    ax.axhline(cap, color="#1a7f37", linestyle="--", linewidth=1)
    ax.text(-0.4, cap + 40, f"wettelijk maximum € {nl_number(cap)}", ha="left", fontsize=8, color="#1a7f37")
    ax.set_xlim(-0.6, len(x) - 0.4)
    # the letter's numbers: "de maximale 2.700 euro" in the recent years, "maximaal 2.300" for 2023
    recent = [i for i, r in enumerate(subsidy) if 2017 <= r["start_year"] <= 2021]
    if recent:
        _letter_line(ax, 2700, "brief: ‘de afgelopen jaren de maximale 2.700’", recent[0] - 0.3, recent[-1] + 0.3)
    last = [i for i, r in enumerate(subsidy) if r["studiejaar"] == "2022/2023"]
    if last:
        _letter_line(ax, 2300, "brief: ‘maximaal 2.300’, ‘12% korting’", last[0] - 0.8, last[0] + 0.4)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=colors["reported"], label="nominaal, gepubliceerd"),
               Patch(color=colors["inferred"], label="nominaal, afgeleid door de samensteller"),
               Patch(facecolor=colors["forecast"], hatch="//", label="nominaal, raming"),
               *ax.get_legend_handles_labels()[0],
               Line2D([], [], color=LETTER, linestyle=":", label="getal uit de brief")]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, ncols=5)
    ax.set_xticks(x, years, rotation=30, ha="right")
    ax.set_ylabel("€ per volledige bbl-plaats")
    _nl_axis(ax)
    ax.set_ylim(0, cap * 1.45)
    ax.set_title(title)
    return _svg(fig, title)


def chart_bbl(bbl: list[dict[str, Any]]) -> str:
    title = "Aantal bbl-studenten op 1 oktober, per studiejaar (x 1.000)"
    fig, ax = _figure()
    palette = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#424a53"]
    prev = None
    # one line per run of consecutive years of one series: no line across gaps or series breaks
    for n, series in enumerate(dict.fromkeys(r["series"] for r in bbl)):
        points = [(r["start_year"], r["students"] / 1000) for r in bbl if r["series"] == series]
        for k, run in enumerate(_runs(points)):
            ax.plot(*zip(*run, strict=True), marker="o", color=palette[n % len(palette)],
                    label=series if k == 0 else None)
    for r in bbl:  # a series break: where the source changes
        if prev is not None and r["series"] != prev["series"]:
            ax.axvline(r["start_year"] - 0.5, color="#6e7781", linestyle=":", linewidth=1)
        prev = r
        if r["qualifier"] != "exact":
            ax.annotate("circa", (r["start_year"], r["students"] / 1000), textcoords="offset points", xytext=(0, 6),
                        fontsize=7, ha="center")
    ax.set_xticks([r["start_year"] for r in bbl], [r["studiejaar"] for r in bbl], rotation=30, ha="right")
    ax.set_ylabel("bbl-studenten (x 1.000)")
    _nl_axis(ax)
    ax.set_ylim(0, max(r["students"] for r in bbl) / 1000 * 1.25)
    ax.legend(fontsize=7, frameon=False, loc="lower left", title="reeks (bron)", title_fontsize=7)
    ax.set_title(title)
    return _svg(fig, title)


def chart_vacancies(vacancies: list[dict[str, Any]]) -> str:
    title = "Openstaande vacatures, jaargemiddelde (x 1.000): alle en technische sectoren"
    fig, ax = _figure()
    styles = {"A-U": ("alle sectoren (A-U)", "#424a53"), "B-F": ("nijverheid en energie (B-F)", "#cf222e"),
              "C+F": ("industrie + bouw (C+F)", "#0969da")}
    for scope, (label, color) in styles.items():
        pts = sorted((int(r["period"][:4]), r["open_x1000"]) for r in vacancies if r["scope"] == scope)
        for k, run in enumerate(_runs(pts)):
            ax.plot(*zip(*run, strict=True), marker="o", markersize=3 if len(run) > 1 else 6, color=color,
                    label=label if k == 0 else None)
    _letter_line(ax, 10, "brief: ‘zo’n 10.000 vacatures per jaar’ (vakkrachtenregeling)")
    ax.set_ylabel("openstaande vacatures (x 1.000)")
    _nl_axis(ax)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.set_title(title)
    return _svg(fig, title)


def chart_technical(technical: list[dict[str, Any]]) -> str:
    title = "Aandeel technische sectorkamers in de bbl (%)"
    fig, ax = _figure(11.0, 3.6)
    latest = technical[-2:] if technical else []
    basis = {"inflow": "instroom", "stock": "studenten"}
    labels, values, notes = [], [], []
    for r in latest:
        name = "smal (TGO)" if r["definition"] == "narrow" else "breed (TGO + MTLM)"
        labels.append(f"{name}\n{basis.get(r['basis'], r['basis'])} {r['studiejaar']}")
        values.append(r["share_pct"] or 0)
        notes.append("wacht op live data" if r["share_pct"] is None else
                     f"{nl_number(r['share_pct'], 1)}%" + (" (ondergrens)" if "at least" in r["qualifiers"] else ""))
    bars = ax.barh(range(len(values)), values, color=["#0969da" if v else "#eaeef2" for v in values], height=0.5)
    for bar, note in zip(bars, notes, strict=True):
        ax.text(max(bar.get_width(), 0) + 0.8, bar.get_y() + bar.get_height() / 2, note, va="center", fontsize=9)
    ax.axvline(100 / 3, color=LETTER, linestyle=":", linewidth=1.5)
    ax.text(100 / 3 + 0.5, len(values) - 0.7, "brief: ‘een derde’", color=LETTER, fontsize=8, va="bottom")
    ax.set_yticks(range(len(values)), labels)
    ax.set_xlim(0, 60)
    share_of = "de instroom in de bbl" if latest and latest[0]["basis"] == "inflow" else "alle bbl-studenten"
    ax.set_xlabel(f"% van {share_of}")
    ax.set_title(title)
    return _svg(fig, title)
