"""The report's charts: matplotlib to SVG text (inlined in the page, so it loads nothing at view time)."""

from __future__ import annotations

import io
from typing import Any

from bbl.report.render import nl_number


def _figure(width: float = 8.0, height: float = 3.6) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "bbl-stats", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt.subplots(figsize=(width, height))


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def chart_subsidy(subsidy: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    years = [r["studiejaar"] for r in subsidy]
    x = list(range(len(years)))
    real = [r["amount_real_eur"] for r in subsidy]
    colors = {"reported": "#0969da", "inferred": "#8cb4e8", "forecast": "#f0b429"}
    for i, r in enumerate(subsidy):
        if r["amount_nominal_eur"] is not None:
            ax.bar(i, r["amount_nominal_eur"], color=colors.get(r["figure_status"], "#999"), width=0.6,
                   hatch="//" if r["figure_status"] == "forecast" else None)
        else:
            ax.text(i, 150, "niet\ngevonden", ha="center", va="bottom", fontsize=7, color="#57606a")
    ax.plot([i for i, v in zip(x, real, strict=True) if v is not None], [v for v in real if v is not None],
            color="#cf222e", marker="o", label=f"reëel (euro’s van {subsidy[0]['real_base_year']})")
    cap = subsidy[0]["max_eur"]
    ax.axhline(cap, color="#1a7f37", linestyle="--", linewidth=1)
    ax.text(len(x) - 0.5, cap + 40, f"maximum € {nl_number(cap)}", ha="right", fontsize=8, color="#1a7f37")
    from matplotlib.patches import Patch

    handles = [Patch(color=colors["reported"], label="nominaal, gepubliceerd"),
               Patch(color=colors["inferred"], label="nominaal, afgeleid"),
               Patch(facecolor=colors["forecast"], hatch="//", label="nominaal, raming"),
               *ax.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=False)
    ax.set_xticks(x, years, rotation=45, ha="right")
    ax.set_ylabel("€ per volledige bbl-plaats")
    ax.set_ylim(0, cap * 1.45)
    ax.set_title("Subsidie praktijkleren per bbl-plaats, per studiejaar")
    return _svg(fig)


def chart_bbl(bbl: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    segment: list[dict[str, Any]] = []
    for r in [*bbl, None]:  # a line only between consecutive years: no line drawn across missing years
        if r is not None and (not segment or r["start_year"] == segment[-1]["start_year"] + 1):
            segment.append(r)
            continue
        ax.plot([p["start_year"] for p in segment], [p["students"] / 1000 for p in segment], marker="o",
                color="#0969da")
        segment = [r] if r is not None else []
    for r in bbl:
        if r["qualifier"] != "exact":
            ax.annotate("circa", (r["start_year"], r["students"] / 1000), textcoords="offset points", xytext=(0, 6),
                        fontsize=7, ha="center")
    ax.set_xticks([r["start_year"] for r in bbl], [r["studiejaar"] for r in bbl], rotation=45, ha="right")
    ax.set_ylabel("bbl-studenten (x 1.000)")
    ax.set_ylim(0, max(r["students"] for r in bbl) / 1000 * 1.2)
    ax.set_title("bbl-studenten op 1 oktober")
    return _svg(fig)


def chart_vacancies(vacancies: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    styles = {"A-U": ("alle sectoren (A-U)", "#57606a", "-"), "B-F": ("nijverheid en energie (B-F)", "#cf222e", "-"),
              "C+F": ("industrie + bouw (C+F)", "#0969da", "-")}
    for scope, (label, color, ls) in styles.items():
        pts = [(int(r["period"][:4]), r["open_x1000"]) for r in vacancies if r["scope"] == scope]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", markersize=3 if len(pts) > 1 else 6, color=color,
                    linestyle=ls, label=f"{label}" + ("" if len(pts) > 1 else f" ({pts[0][0]})"))
    ax.set_ylabel("openstaande vacatures (x 1.000, jaargemiddelde)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Openstaande vacatures, alle en technische sectoren")
    return _svg(fig)


def chart_technical(technical: list[dict[str, Any]]) -> str:
    fig, ax = _figure(6.5, 3.2)
    latest = technical[-2:] if technical else []
    labels, values, notes = [], [], []
    for r in latest:
        name = "smal (TGO)" if r["definition"] == "narrow" else "breed (TGO + MTLM)"
        labels.append(f"{name}\n{r['basis']} {r['studiejaar']}")
        values.append(r["share_pct"] or 0)
        notes.append("wacht op live data" if r["share_pct"] is None else f"{nl_number(r['share_pct'], 1)}%")
    bars = ax.bar(range(len(values)), values, color=["#0969da" if v else "#eaeef2" for v in values], width=0.5)
    for bar, note in zip(bars, notes, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, max(bar.get_height(), 1) + 1, note, ha="center", fontsize=8)
    ax.axhline(100 / 3, color="#cf222e", linestyle="--", linewidth=1)
    ax.text(len(values) - 0.5, 100 / 3 + 1, "‘een derde’ (brief)", ha="right", fontsize=8, color="#cf222e")
    ax.set_xticks(range(len(values)), labels)
    ax.set_ylim(0, 50)
    ax.set_ylabel("% van alle bbl-studenten")
    ax.set_title("Aandeel technische sectorkamers in de bbl")
    return _svg(fig)


# ----------------------------------------------------------------------------------------------
# rendering
# ----------------------------------------------------------------------------------------------
