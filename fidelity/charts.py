"""Charts of a unit's fidelity and outcomes as inline SVG, drawn on the server with matplotlib, for pages and PDFs."""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from markupsafe import Markup
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateFormatter, AutoDateLocator, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from fidelity.history import ReviewPoint, effective_points
from fidelity.monitoring.outcomes import FEW_SERVED, whole_percent
from fidelity.scales import Scale
from fidelity.scoring import ITEM_TARGET, PrincipleScore

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe-Ito colours stay distinct under the common kinds of colour blindness.
BLUE, ORANGE, GREY = "#0072B2", "#D55E00", "#555555"
SHADE = "#eef0f3"  # behind the quarter under way
KIND_STYLES: dict[str, dict[str, Any]] = {
    "self_assessment": {"marker": "o", "markersize": 7, "markerfacecolor": "white", "markeredgecolor": BLUE},
    "external": {"marker": "s", "markersize": 7, "markerfacecolor": ORANGE, "markeredgecolor": ORANGE},
}
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable and readable by screen readers
    "svg.hashsalt": "fidelity",  # fixed ids, so the same data gives the same SVG
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 9,
    "text.parse_math": False,  # a '$' in a title or label is a dollar sign, not the start of a formula
    "figure.titlesize": 11,
    "date.autoformatter.year": "%Y",  # numbers only: no month names to translate
    "date.autoformatter.month": "%Y-%m",
    "date.autoformatter.day": "%Y-%m-%d",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# A value written on a chart sits on white, above the lines it may cross (a band's, the target's).
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "boxstyle": "square,pad=0.15"}
TREND_HEIGHT = 3.8
WIDTH = 7  # inches, 504 SVG units: shown 700px wide, 9pt text comes out at about 12.5px (9.4 CSS pt)
# rc_context swaps matplotlib's global settings, so two renders at once would see each other's.
_render_lock = threading.Lock()


@dataclass(frozen=True)
class ChartText:
    """The charts' own words, for a caller to pass translated."""

    self_assessment: str = "Self-assessment"
    external: str = "External review"
    total: str = "Total score"
    no_reviews: str = "No submitted reviews yet"
    mean: str = "Mean item score"
    target: str = "Target"
    not_scored: str = "not scored"
    decimal_mark: str = "."  # the language's: a mean of 3.5 prints as 3,5 in Swedish


def trend_svg(
    scale: Scale,
    points: Sequence[ReviewPoint],
    *,
    title: str,
    band_labels: Mapping[str, str] | None = None,
    text: ChartText = ChartText(),
) -> str:
    """Review totals over time against the scale's bands, one marker style per kind of review."""
    labels = {band.key: band.label for band in scale.bands} | dict(band_labels or {})
    points = effective_points(points)
    with _style():
        fig = Figure(figsize=(WIDTH, TREND_HEIGHT))
        fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left")
        widest = max(len(f"{labels[band.key]} {band.min}") for band in scale.bands)
        # Fixed margins, with room on the right for the band labels: far cheaper than a layout engine.
        fig.subplots_adjust(left=0.85 / WIDTH, right=1 - (_text_inches(widest) + 0.15) / WIDTH,
                            top=1 - 0.45 / TREND_HEIGHT, bottom=0.75 / TREND_HEIGHT)  # fmt: skip
        ax = fig.add_subplot()
        ax.set_ylim(scale.min_total, scale.max_total)
        ax.set_ylabel(text.total)
        _draw_bands(ax, scale, labels)
        if points:
            _draw_totals(ax, scale, points)
            handles = [
                Line2D([], [], linestyle="none", label=label, **KIND_STYLES[kind])
                for kind, label in (("self_assessment", text.self_assessment), ("external", text.external))
            ]
            fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=False)
        else:
            ax.set_xticks([])
            ax.text(
                0.5,
                0.5,
                text.no_reviews,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=11,
                bbox={"facecolor": "white", "edgecolor": GREY, "boxstyle": "round,pad=0.5"},
            )
        return _svg(fig, title)


def principle_profile_svg(
    principles: Sequence[PrincipleScore],
    *,
    title: str,
    score_min: int = 1,
    score_max: int = 5,
    text: ChartText = ChartText(),
) -> str:
    """One bar per principle: the mean score of its items, against the target of 4."""
    labels = [textwrap.fill(f"{p.number} {p.title}", 42) for p in principles]
    height = 1.4 + 0.4 * len(principles)
    with _style():
        fig = Figure(figsize=(WIDTH, height))
        fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left")
        widest = max((len(line) for label in labels for line in label.splitlines()), default=0)
        fig.subplots_adjust(left=(_text_inches(widest) + 0.2) / WIDTH, right=1 - 0.45 / WIDTH,
                            top=1 - 0.65 / height, bottom=0.6 / height)  # fmt: skip
        ax = fig.add_subplot()
        rows = range(len(principles))
        ax.set_yticks(rows, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(len(principles) - 0.5, -0.5)  # first principle at the top
        ax.set_xlim(score_min, score_max)
        ax.set_xticks(range(score_min, score_max + 1))
        ax.set_xlabel(text.mean)
        ax.axvline(ITEM_TARGET, color=ORANGE, linestyle="--", linewidth=1.2, zorder=3)
        ax.annotate(
            f"{text.target} {ITEM_TARGET}",
            xy=(ITEM_TARGET, 1),
            xycoords=ax.get_xaxis_transform(),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            color=ORANGE,
        )
        for row, principle in zip(rows, principles, strict=True):
            if principle.mean is None:
                ax.text(score_min + 0.05, row, text.not_scored, va="center", style="italic", color=GREY)
                continue
            ax.barh(row, principle.mean - score_min, left=score_min, height=0.6, color=BLUE, zorder=2)
            ax.annotate(
                _one_decimal(principle.mean).replace(".", text.decimal_mark),
                (principle.mean, row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                annotation_clip=False,
                zorder=4,
                bbox=LABEL_BOX,  # readable where it meets the target's line
            )
        return _svg(fig, title)


@dataclass(frozen=True)
class OutcomeChartText:
    """The outcome chart's own words, for a caller to pass translated."""

    employment: str = "Employment rate"
    education: str = "Education rate"
    rate: str = "Share of people served"
    minimum: str = "Minimum"
    average: str = "Average"
    excellent: str = "Excellent"
    nobody_served: str = "Nobody served yet"
    to_date: str = "to date"
    percent_sign: str = "%"  # the language's, with its space: "45 %" in Swedish
    few: str = f"Hollow: fewer than {FEW_SERVED} people served"
    few_or_to_date: str = f"Hollow: fewer than {FEW_SERVED} people served, or the quarter to date"


@dataclass(frozen=True)
class RatePoint:
    """One quarter on the outcome chart: its label and its rates (None when nobody was served)."""

    label: str
    employment: float | None
    education: float | None
    few: bool = False  # its rates rest on too few people served to be set against the benchmarks


def outcome_rates_svg(
    points: Sequence[RatePoint],
    *,
    title: str,
    benchmarks: Sequence[tuple[str, float]] = (),
    running: bool = False,
    text: OutcomeChartText = OutcomeChartText(),
    legend: bool = True,
) -> str:
    """Employment and education rates per quarter, against the employment benchmarks (key, share) drawn and named.
    `running` marks the last quarter as counted to date. Without `legend`, the chart draws none: the page writes
    `outcome_legend` under it."""
    with _style():
        fig = Figure(figsize=(WIDTH, 3.8), layout="constrained")
        fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left")
        ax = fig.add_subplot()
        # Room above the highest benchmark and the highest rate, in steps of 10 points.
        rates = [rate for p in points for rate in (p.employment, p.education) if rate is not None]
        highest = max([share for _, share in benchmarks] + rates, default=0.0)
        ax.set_ylim(0, min(100, 10 * math.ceil((100 * highest + 10) / 10)))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0, symbol=text.percent_sign))
        ax.set_ylabel(text.rate)
        for key, share in benchmarks:
            ax.axhline(100 * share, color=GREY, linestyle="--", linewidth=0.8, zorder=1)
            ax.annotate(
                f"{getattr(text, key)} {whole_percent(share)}{text.percent_sign}",
                xy=(1, 100 * share),
                xycoords=ax.get_yaxis_transform(),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                annotation_clip=False,
            )
        if not any(p.employment is not None for p in points):
            _say_empty(ax, text.nobody_served)
            return _svg(fig, title)
        _draw_rates(ax, points, running, text)
        if legend:
            handles = [_handle(entry) for entry in outcome_legend(points, running=running, text=text)]
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
        return _svg(fig, title)


def outcome_legend(
    points: Sequence[RatePoint], *, running: bool = False, text: OutcomeChartText = OutcomeChartText()
) -> tuple[LegendEntry, ...]:
    """The outcome chart's legend: the two rates, and the hollow points where a quarter rests on few people; none
    for a chart with nobody served."""
    if not any(p.employment is not None for p in points):
        return ()
    entries = [LegendEntry("blue", text.employment), LegendEntry("orange", text.education)]
    if any(p.few for p in points):
        entries.append(LegendEntry("hollow", text.few_or_to_date if running else text.few))
    return tuple(entries)


def _draw_rates(ax: Axes, points: Sequence[RatePoint], running: bool, text: OutcomeChartText) -> None:
    # The quarter under way, a figure not yet whole, and quarters of few people served: hollow.
    hollow = [x for x, p in enumerate(points) if p.few or (running and x == len(points) - 1)]
    for attribute, colour, marker, line in (("employment", BLUE, "o", "-"), ("education", ORANGE, "s", ":")):
        # A quarter without anyone served is a gap in the line, not a fall to zero.
        rates = [None if getattr(p, attribute) is None else 100 * getattr(p, attribute) for p in points]
        _quarter_line(ax, rates, hollow, colour, marker, line)
    _quarter_axis(ax, [p.label for p in points], running, text.to_date)


def _say_empty(ax: Axes, words: str) -> None:
    """An empty chart's axes, saying why they are empty."""
    ax.set_xticks([])
    ax.text(0.5, 0.5, words, transform=ax.transAxes, ha="center", va="center", fontsize=11,
            bbox={"facecolor": "white", "edgecolor": GREY, "boxstyle": "round,pad=0.5"})  # fmt: skip


def _quarter_line(
    ax: Axes, values: Sequence[float | None], hollow: Sequence[int], colour: str, marker: str, line: str
) -> None:
    """One value a quarter, joined by a line with a gap where there is none; the quarters `hollow` white-faced."""
    ys = [math.nan if value is None else value for value in values]
    ax.plot(range(len(ys)), ys, color=colour, marker=marker, markersize=5, linestyle=line, linewidth=1.4, zorder=3,
            clip_on=False)  # fmt: skip
    if hollow:
        ax.plot(hollow, [ys[x] for x in hollow], color=colour, marker=marker, markersize=5, markerfacecolor="white",
                linestyle="none", zorder=4, clip_on=False)  # fmt: skip


@dataclass(frozen=True)
class WaitChartText:
    """The wait chart's own words, for a caller to pass translated."""

    to_first_meeting: str = "Median to first meeting"
    to_enrolment: str = "Median to enrolment"
    days: str = "Days from referral"
    no_meetings: str = "No first meetings yet"
    to_date: str = "to date"
    still_waiting: str = "Hollow: some of the quarter's referrals still wait, so its median may rise"
    shaded: str = "Shaded: the quarter to date"
    longest_waiting: str = "Longest wait so far of those still waiting: their wait will be at least this"


@dataclass(frozen=True)
class WaitPoint:
    """One quarter of referrals on the wait chart: its label and its median days (None: nobody reached the step)."""

    label: str
    to_first_meeting: float | None
    to_enrolment: float | None
    still_waiting: bool = False  # some of its referrals have neither started nor left: its medians may yet rise
    longest_waiting: int | None = None  # days so far of the one of them waiting longest: a lower bound for their wait


@dataclass(frozen=True)
class LegendEntry:
    """One entry of a chart's legend, for a page to write under the chart in HTML, where it wraps to the screen's
    width (inside the chart it would scroll out of sight on a phone): the mark (`key`) and its words."""

    key: str  # "blue" (a line with dots), "orange" (a dotted line with squares), "triangle", "hollow" or "shade"
    text: str

    @property
    def symbol(self) -> Markup:
        """The entry's mark, drawn as the chart draws it, as a small inline SVG (hidden from a screen reader: the
        words say it)."""
        shapes = {
            "blue": f'<line x1="0" y1="7" x2="28" y2="7" stroke="{BLUE}" stroke-width="2"/>'
                             f'<circle cx="14" cy="7" r="4" fill="{BLUE}"/>',
            "orange": f'<line x1="0" y1="7" x2="28" y2="7" stroke="{ORANGE}" stroke-width="2" '
                         f'stroke-dasharray="2 3"/><rect x="10" y="3" width="8" height="8" fill="{ORANGE}"/>',
            "triangle": f'<polygon points="14,1 20,12 8,12" fill="{GREY}"/>',
            "hollow": f'<circle cx="14" cy="7" r="4" fill="#ffffff" stroke="{GREY}" stroke-width="1.5"/>',
            "shade": f'<rect x="2" y="1" width="24" height="12" fill="{SHADE}"/>',
        }  # fmt: skip
        head = '<svg class="legend-key" width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">'
        return Markup(f"{head}{shapes[self.key]}</svg>")  # noqa: S704 - our own shapes and colours, no one's text


@dataclass(frozen=True)
class ChartShown:
    """A chart as a page shows it: the drawing, which scrolls sideways on a phone, and its legend, written under it in
    HTML so that it wraps to the screen rather than scrolling out of sight."""

    svg: Markup
    legend: tuple[LegendEntry, ...]


def _hollow(points: Sequence[WaitPoint], running: bool) -> list[int]:
    """The quarters drawn hollow: those whose medians may yet rise, as those still waiting start, and the one under
    way."""
    return [x for x, p in enumerate(points) if p.still_waiting or (running and x == len(points) - 1)]


def wait_legend(
    points: Sequence[WaitPoint], *, running: bool = False, text: WaitChartText = WaitChartText()
) -> tuple[LegendEntry, ...]:
    """The wait chart's legend: the two medians, then the longest waits, the hollow points and the shade where the
    chart has them; none for a chart with nothing drawn."""
    if not any(d is not None for p in points for d in (p.to_first_meeting, p.to_enrolment, p.longest_waiting)):
        return ()
    entries = [LegendEntry("blue", text.to_first_meeting), LegendEntry("orange", text.to_enrolment)]
    if any(p.longest_waiting is not None for p in points):
        entries.append(LegendEntry("triangle", text.longest_waiting))
    if _hollow(points, running):
        entries.append(LegendEntry("hollow", text.still_waiting))
    if running:
        entries.append(LegendEntry("shade", text.shaded))
    return tuple(entries)


def wait_days_svg(
    points: Sequence[WaitPoint],
    *,
    title: str,
    running: bool = False,
    text: WaitChartText = WaitChartText(),
    description: str | None = None,
    legend: bool = True,
) -> str:
    """Median days from referral to the first meeting and to enrolment, for each quarter's referrals, and a mark at
    the longest wait so far of those still waiting. `running` marks the last quarter as counted to date. `title`
    names the chart to a screen reader; the page heads it. `description`, if given, tells a screen reader what the
    chart shows. Without `legend`, the chart draws none: the page writes `wait_legend` under it."""
    with _style():
        fig = Figure(figsize=(WIDTH, 3.4), layout="constrained")
        ax = fig.add_subplot()
        longest = [p.longest_waiting for p in points]
        medians = [d for p in points for d in (p.to_first_meeting, p.to_enrolment) if d is not None]
        days = [*medians, *(wait for wait in longest if wait is not None)]
        # The medians set the scale; a longest wait raises it up to three times theirs (60 days at least), and one
        # longer still, a referral long left open, say, is drawn at the top with its days written beside it, rather
        # than pressing the medians flat at the bottom.
        reach = max(3 * max(medians, default=0), 60)
        top = max(30, 10 * math.ceil(max([*medians, *(min(d, reach) for d in days)], default=0) * 1.1 / 10))
        ax.set_ylim(0, top)
        ax.set_ylabel(text.days)
        if not days:
            _say_empty(ax, text.no_meetings)
            return _svg(fig, title, description)
        hollow = _hollow(points, running)
        _quarter_line(ax, [p.to_first_meeting for p in points], hollow, BLUE, "o", "-")
        _quarter_line(ax, [p.to_enrolment for p in points], hollow, ORANGE, "s", ":")
        # The longest wait so far: an upward triangle, unjoined, as a floor the wait of those still waiting is above;
        # a little right of the quarter's medians, so that one as long as a median does not hide behind it.
        waits = [(x, wait) for x, wait in enumerate(longest) if wait is not None]
        if waits:
            ax.plot([x + 0.2 for x, _ in waits], [min(wait, top) for _, wait in waits], color=GREY, marker="^",
                    markersize=6, linestyle="none", zorder=5, clip_on=False)  # fmt: skip
            for x, wait in waits:
                if wait > top:  # off the scale: at the top, its days written beside it
                    ax.annotate(str(wait), (x + 0.2, top), xytext=(5, -4), textcoords="offset points", color=GREY,
                                fontsize=8, va="top", annotation_clip=False)  # fmt: skip
        _quarter_axis(ax, [p.label for p in points], running, text.to_date)
        if legend:
            # Wrapped: in rows of three at most, within the chart's width in any language.
            entries = wait_legend(points, running=running, text=text)
            handles: list[Artist] = [_handle(entry, 48 if len(entries) < 4 else 36) for entry in entries]
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3), frameon=False)
        return _svg(fig, title, description)


def _handle(entry: LegendEntry, width: int | None = None) -> Artist:
    """A legend entry as the chart draws its mark, its words wrapped at `width` characters (not at all: None)."""
    label = entry.text if width is None else textwrap.fill(entry.text, width if entry.key != "shade" else 24)
    if entry.key == "blue":
        return Line2D([], [], color=BLUE, marker="o", label=label)
    if entry.key == "orange":
        return Line2D([], [], color=ORANGE, marker="s", linestyle=":", label=label)
    if entry.key == "triangle":
        return Line2D([], [], color=GREY, marker="^", linestyle="none", label=label)
    if entry.key == "hollow":
        return Line2D([], [], color=GREY, marker="o", markerfacecolor="white", linestyle="none", label=label)
    return Patch(facecolor=SHADE, edgecolor="none", label=label)


def _quarter_axis(ax: Axes, labels: Sequence[str], running: bool, to_date: str) -> None:
    """Quarters along the x axis, about ten labels at most and always the latest; the last shaded and said to be
    counted to date when it is under way (`running`)."""
    xs = list(range(len(labels)))
    if running and xs:
        ax.axvspan(xs[-1] - 0.5, xs[-1] + 0.5, color=SHADE, zorder=0, linewidth=0)
    step = max(1, math.ceil(len(labels) / 10))
    shown = [x for x in xs if (len(labels) - 1 - x) % step == 0]
    texts = [labels[x] for x in shown]
    if running:
        texts[-1] = f"{texts[-1]}\n({to_date})"
    ax.set_xticks(shown, texts)
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _draw_bands(ax: Axes, scale: Scale, labels: Mapping[str, str]) -> None:
    bands = sorted(scale.bands, key=lambda band: band.min)
    for rank, band in enumerate(bands):
        top = bands[rank + 1].min if rank + 1 < len(bands) else scale.max_total
        ax.axhspan(band.min, top, color=BLUE, alpha=0.03 + 0.05 * rank, linewidth=0, zorder=0)
        if rank:  # the lowest band's lower limit is the bottom of the chart
            ax.axhline(band.min, color=GREY, linestyle="--", linewidth=0.8, zorder=1)
            ax.annotate(
                f"{labels[band.key]} {band.min}",
                xy=(1, band.min),
                xycoords=ax.get_yaxis_transform(),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                annotation_clip=False,
            )


def _draw_totals(ax: Axes, scale: Scale, points: Sequence[ReviewPoint]) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(AutoDateFormatter(locator))
    dates = [float(date2num(p.review_date)) for p in points]  # days, as matplotlib counts them
    # Not clipped, so that a marker at the lowest or highest total shows whole.
    ax.plot(dates, [p.total for p in points], color=GREY, linewidth=1.2, zorder=2, clip_on=False)
    for kind, style in KIND_STYLES.items():
        chosen = [(x, p.total) for x, p in zip(dates, points, strict=True) if p.kind == kind]
        if not chosen:
            continue  # an empty line left unclipped would still claim room in the layout
        xs, totals = [x for x, _ in chosen], [total for _, total in chosen]
        ax.plot(xs, totals, linestyle="none", zorder=3, clip_on=False, **style)
    pad = max(45.0, (dates[-1] - dates[0]) * 0.06)
    ax.set_xlim(dates[0] - pad, dates[-1] + pad)
    sides = _labels_above(scale, points, dates, width=dates[-1] - dates[0] + 2 * pad)
    for x, point, above in zip(dates, points, sides, strict=True):
        ax.annotate(
            str(point.total),
            (x, point.total),
            xytext=(0, 7 if above else -7),
            textcoords="offset points",
            ha="center",
            va="bottom" if above else "top",
            zorder=4,
            bbox=LABEL_BOX,  # readable where it meets a band's line
        )


def _labels_above(scale: Scale, points: Sequence[ReviewPoint], dates: list[float], width: float) -> list[bool]:
    """Whether to print each total above its marker rather than below."""
    above = [True] * len(points)
    for i in range(1, len(points)):
        # Two totals this close in time would print over each other: the higher goes above, the lower below.
        if dates[i] - dates[i - 1] < 0.06 * width:
            above[i] = points[i].total >= points[i - 1].total
            above[i - 1] = not above[i]
    near = 0.1 * (scale.max_total - scale.min_total)
    room = [(p.total <= scale.max_total - near, p.total >= scale.min_total + near) for p in points]
    return [wanted if (up if wanted else down) else not wanted for wanted, (up, down) in zip(above, room, strict=True)]


def _text_inches(characters: int) -> float:
    """About how wide a label of so many characters prints at the charts' font size (DejaVu Sans averages 0.6 em)."""
    return characters * float(STYLE["font.size"]) * 0.6 / 72


def _one_decimal(mean: float) -> str:
    # Rounded half up, as people round: a mean of 3.25 shows as 3.3, not as 3.2.
    return str(Decimal(repr(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@contextmanager
def _style() -> Iterator[None]:
    with _render_lock, matplotlib.rc_context(STYLE):
        yield


def _svg(fig: Figure, label: str, description: str | None = None) -> str:
    """The figure as an <svg> element to inline in HTML: no prolog, as wide as its container, labelled, and with
    `description` (what it shows, for a screen reader) if given."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # matplotlib's <style> holds a '*' rule that, inlined, would restyle every other SVG on the page.
    svg = re.sub(r"<style.*?</style>", "", svg, flags=re.DOTALL)
    # Ids nothing refers to (figure_1, text_2, ...) would repeat when a page shows two charts.
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m[0] if m[1] in referenced else "", svg)
    end = svg.index(">")
    head = re.sub(r'\sheight="[^"]*"', "", re.sub(r'\swidth="[^"]*"', ' width="100%"', svg[:end], count=1), count=1)
    head += ' stroke-linejoin="round" stroke-linecap="butt"'
    head += f' role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
    if description:
        head += f"<desc>{escape(description)}</desc>"
    return head + svg[end + 1 :]
