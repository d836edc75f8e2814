"""Fidelity against employment: one point per unit, the scale's bands and the employment benchmarks drawn."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adjustText import adjust_text
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter

from fidelity.charts import BLUE, GREY, ORANGE, WIDTH, _style, _svg, _text_inches
from fidelity.monitoring.outcomes import FEW_SERVED
from fidelity.scales import Scale

HEIGHT = 4.2
LABELLED_UP_TO = 40  # units; with more, labels would cover the points
# Rounds adjustText takes to move the labels apart: a fixed number, so that the same data draws the same chart on
# any machine (its default is as many as fit in a second).
ITERATIONS = 300


@dataclass(frozen=True)
class UnitPoint:
    code: str
    total: int
    employment_rate: float  # 0-1
    external: bool
    few: bool = False  # the rate rests on too few people served to be set against others' (`outcomes.few_served`)


@dataclass(frozen=True)
class ScatterText:
    total: str = "Fidelity total (latest review)"
    rate: str = "Employment rate, last full quarter"
    self_assessment: str = "Self-assessment"
    external: str = "External review"
    none: str = "No unit has both a review and outcome figures"
    percent_sign: str = "%"  # the language's, with its space: "45 %" in Swedish
    few: str = f"Hollow: fewer than {FEW_SERVED} people served"


def scatter_figure(
    scale: Scale,
    points: Sequence[UnitPoint],
    *,
    title: str,
    benchmarks: Sequence[tuple[str, float]],
    benchmark_labels: dict[str, str],
    text: ScatterText = ScatterText(),
) -> Figure:
    """Each unit's latest total against its employment rate; self-assessments and external reviews marked apart. A
    figure, drawn inside `charts._style`: `fidelity_employment_svg` makes it the page's SVG."""
    widest = max(
        (len(f"{benchmark_labels[key]} {round(share * 100)}{text.percent_sign}") for key, share in benchmarks),
        default=0,
    )
    fig = Figure(figsize=(WIDTH, HEIGHT))
    FigureCanvasAgg(fig)  # a canvas that measures text, for the labels to be placed
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left")
    fig.subplots_adjust(left=0.85 / WIDTH, right=1 - (_text_inches(widest) + 0.15) / WIDTH,
                        top=1 - 0.45 / HEIGHT, bottom=0.95 / HEIGHT)  # fmt: skip
    ax = fig.add_subplot()
    ax.set_xlim(scale.min_total, scale.max_total)
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0, symbol=text.percent_sign))
    ax.set_xlabel(text.total)
    ax.set_ylabel(text.rate)
    for band in scale.bands:
        if band.min > scale.min_total:
            ax.axvline(band.min, color=GREY, linestyle=":", linewidth=0.8, zorder=1)
            # The band that starts here, named along its line at the top, where an employment rate seldom is (a
            # unit's label there could cover it).
            ax.annotate(f"{band.label} {band.min}", xy=(band.min, 1), xycoords=ax.get_xaxis_transform(),
                        xytext=(2, -3), textcoords="offset points", rotation=90, ha="left", va="top", fontsize=7,
                        color=GREY)  # fmt: skip
    for key, share in benchmarks:
        ax.axhline(100 * share, color=GREY, linestyle="--", linewidth=0.8, zorder=1)
        ax.annotate(f"{benchmark_labels[key]} {round(share * 100)}{text.percent_sign}", xy=(1, 100 * share),
                    xycoords=ax.get_yaxis_transform(), xytext=(4, 0), textcoords="offset points", va="center",
                    annotation_clip=False)  # fmt: skip
    if not points:
        ax.text(0.5, 0.5, text.none, transform=ax.transAxes, ha="center", va="center", fontsize=11,
                bbox={"facecolor": "white", "edgecolor": GREY, "boxstyle": "round,pad=0.5"})  # fmt: skip
        return fig
    for external, colour, marker, label in ((False, BLUE, "o", text.self_assessment),
                                            (True, ORANGE, "s", text.external)):  # fmt: skip
        for few in (False, True):  # a rate among few people served: the point hollow, its outline the kind's colour
            chosen = [p for p in points if p.external is external and p.few is few]
            if chosen or not few:
                ax.scatter([p.total for p in chosen], [100 * p.employment_rate for p in chosen], s=22,
                           facecolors="white" if few else colour, edgecolors=colour, marker=marker,
                           label=None if few else label, zorder=3, clip_on=False)  # fmt: skip
    if any(point.few for point in points):
        ax.scatter([], [], s=22, facecolors="white", edgecolors=GREY, marker="o", label=text.few)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3, frameon=False)
    if len(points) <= LABELLED_UP_TO:
        point_labels(ax, points)
    return fig


def point_labels(ax: Axes, points: Sequence[UnitPoint]) -> list[Text]:
    """Each point's unit code beside it; labels that would cover one another or a point are moved apart (adjustText),
    a thin line joining a moved label to its point."""
    xs = [point.total for point in points]
    ys = [100 * point.employment_rate for point in points]
    # On white, so that a label stays readable where it crosses a benchmark's or a band's line (zorder 1), and under
    # the points (zorder 3), so that its white never hides one.
    labels = [ax.text(x, y, point.code, fontsize=7, color=GREY, zorder=2,
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6})
              for x, y, point in zip(xs, ys, points, strict=True)]  # fmt: skip
    adjust_text(labels, x=xs, y=ys, ax=ax, ensure_inside_axes=True, expand_axes=False,
                iter_lim=ITERATIONS,
                arrowprops={"arrowstyle": "-", "color": GREY, "linewidth": 0.5})  # fmt: skip
    return labels


def fidelity_employment_svg(scale: Scale, points: Sequence[UnitPoint], **chart: Any) -> str:
    """The scatter (`scatter_figure`, which takes the same arguments) as an SVG to inline, labelled by its title."""
    with _style():
        return _svg(scatter_figure(scale, points, **chart), chart["title"])
