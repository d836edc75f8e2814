"""Charts are well-formed, accessible, vector-only SVG that says what it shows, the same for the same data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import matplotlib
import pytest

from fidelity.charts import (
    OutcomeChartText,
    RatePoint,
    WaitChartText,
    WaitPoint,
    outcome_rates_svg,
    principle_profile_svg,
    trend_svg,
    wait_days_svg,
)
from fidelity.comparison.chart import UnitPoint, fidelity_employment_svg, scatter_figure
from fidelity.config import DEFAULTS
from fidelity.history import ReviewPoint
from fidelity.monitoring.outcomes import BENCHMARKS
from fidelity.scales import Scale, ScaleRegistry, load_registry
from fidelity.scoring import PrincipleScore, summarise

REGISTRY: ScaleRegistry = load_registry(DEFAULTS["SCALES_DIR"])
IPS: Scale = REGISTRY.get("ips-25")
SVG = "{http://www.w3.org/2000/svg}"
TITLE = 'Unit A & B\'s "trend"'  # needs escaping in an attribute and in text

POINTS = [
    ReviewPoint(1, date(2022, 3, 10), "self_assessment", {}, 68, "not-supported-employment"),
    ReviewPoint(2, date(2022, 4, 2), "external", {}, 72, "not-supported-employment"),
    ReviewPoint(3, date(2023, 4, 20), "external", {}, 98, "fair"),
    ReviewPoint(4, date(2023, 4, 28), "self_assessment", {}, 101, "good"),
    ReviewPoint(5, date(2024, 5, 1), "external", {}, 125, "exemplary"),
    ReviewPoint(6, date(2024, 5, 20), "external", {}, 121, "exemplary", corrects_id=5),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - parses the charts' own output, not untrusted input


def texts(svg: str) -> list[str]:
    """Every piece of text the chart shows."""
    return ["".join(element.itertext()) for element in parse(svg).iter(f"{SVG}text")]


def profile() -> tuple[PrincipleScore, ...]:
    """A principle profile in which benefits planning (item V1 alone) is not scored."""
    scores = {key: 4 for key in IPS.item_keys if key != "V1"} | {"O1": 5, "V3": 2}
    return summarise(IPS, REGISTRY.principles, scores).principles


@pytest.mark.parametrize(
    "draw",
    [
        lambda: trend_svg(IPS, POINTS, title=TITLE),
        lambda: trend_svg(IPS, [], title=TITLE),
        lambda: principle_profile_svg(profile(), title=TITLE),
        lambda: outcome_rates_svg(RATES, title=TITLE, benchmarks=BENCHMARKS),
        lambda: outcome_rates_svg([], title=TITLE, benchmarks=BENCHMARKS),
        lambda: wait_days_svg(WAITS, title=TITLE),
        lambda: wait_days_svg([], title=TITLE),
    ],
    ids=["trend", "empty trend", "profile", "outcomes", "empty outcomes", "waits", "empty waits"],
)
def test_charts_are_accessible_svg_to_inline(draw: Callable[[], str]) -> None:
    svg = draw()
    root = parse(svg)
    assert svg.startswith("<svg") and "<!DOCTYPE" not in svg
    assert root.tag.endswith("svg")
    assert root.get("role") == "img"
    assert root.get("aria-label") == TITLE
    assert root.findtext(f"{SVG}title") == TITLE
    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")
    assert "<image" not in svg
    assert "<style" not in svg  # a stylesheet inlined in a page would restyle the page's other SVGs


def test_trend_names_each_band_by_its_lower_limit() -> None:
    shown = texts(trend_svg(IPS, POINTS, title="Trend"))
    assert {"Exemplary fidelity 115", "Good fidelity 100", "Fair fidelity 74"} <= set(shown)
    assert not any(text.startswith("Not supported employment") for text in shown)


def test_trend_takes_translated_band_labels() -> None:
    shown = texts(trend_svg(IPS, POINTS, title="Trend", band_labels={"good": "God trohet"}))
    assert {"God trohet 100", "Fair fidelity 74"} <= set(shown)


def test_trend_prints_every_total_and_leaves_out_corrected_reviews() -> None:
    shown = texts(trend_svg(IPS, POINTS, title="Trend"))
    assert {"68", "72", "98", "101", "121"} <= set(shown)
    assert "125" not in shown  # review 5 was corrected by review 6
    assert {"Self-assessment", "External review"} <= set(shown)


def test_trend_with_one_review_or_none() -> None:
    assert "68" in texts(trend_svg(IPS, POINTS[:1], title="Trend"))
    shown = texts(trend_svg(IPS, [], title="Trend"))
    assert "No submitted reviews yet" in shown
    assert "Self-assessment" not in shown


def test_profile_shows_every_principle_and_says_which_are_not_scored() -> None:
    principles = profile()
    shown = texts(principle_profile_svg(principles, title="Profile"))
    assert {f"{p.number} {p.title}" for p in principles} <= set(shown)
    assert shown.count("not scored") == 1
    assert {"4.3", "3.0", "4.0"} <= set(shown)  # integration (5, 4, 4), rapid search (2, 4), the rest 4


def test_the_same_data_gives_the_same_svg_and_leaves_matplotlib_settings_alone() -> None:
    before = matplotlib.rcParams["svg.fonttype"]
    assert trend_svg(IPS, POINTS, title="Trend") == trend_svg(IPS, list(reversed(POINTS)), title="Trend")
    assert principle_profile_svg(profile(), title="Profile") == principle_profile_svg(profile(), title="Profile")
    assert matplotlib.rcParams["svg.fonttype"] == before


def test_text_is_shown_as_written() -> None:
    odd = PrincipleScore("odd", 9, "<b>Pay</b> over $500 and $600", (), 3.0)
    assert "9 <b>Pay</b> over $500 and $600" in texts(principle_profile_svg([odd], title="Profile"))


RATES = [
    RatePoint("2024 Q3", None, None),  # nobody served yet
    RatePoint("2024 Q4", 0.25, 0.0),
    RatePoint("2025 Q1", 0.375, 0.125),
    RatePoint("2025 Q2", 0.425, 0.1),
]


def test_outcome_chart_names_each_benchmark_and_both_rates() -> None:
    shown = texts(outcome_rates_svg(RATES, title="Outcomes", benchmarks=BENCHMARKS))
    assert {"Minimum 31%", "Average 41%", "Excellent 50%"} <= set(shown)
    assert {"Employment rate", "Education rate", "Share of people served"} <= set(shown)
    assert {"2024 Q3", "2024 Q4", "2025 Q1", "2025 Q2"} <= set(shown)
    assert "Nobody served yet" not in shown


def test_outcome_chart_takes_translated_words_and_marks_a_running_quarter() -> None:
    words = OutcomeChartText(employment="Andel i arbete", minimum="Lägsta", to_date="hittills")
    shown = texts(outcome_rates_svg(RATES, title="Utfall", benchmarks=BENCHMARKS, running=True, text=words))
    assert {"Andel i arbete", "Lägsta 31%"} <= set(shown)
    assert "(hittills)" in shown  # under the last quarter's label
    assert "Employment rate" not in shown
    # The quarter under way is shaded, and its points hollow: a figure not yet whole.
    running = outcome_rates_svg(RATES, title="Utfall", benchmarks=BENCHMARKS, running=True, text=words)
    done = outcome_rates_svg(RATES, title="Utfall", benchmarks=BENCHMARKS, text=words)
    assert "#eef0f3" in running and "#eef0f3" not in done
    assert running.count("fill: #ffffff") > done.count("fill: #ffffff")


def test_outcome_chart_draws_quarters_of_few_people_served_hollow_and_says_so() -> None:
    plain = outcome_rates_svg(RATES, title="T", benchmarks=BENCHMARKS)
    few = outcome_rates_svg([replace(RATES[0], few=True), *RATES[1:]], title="T", benchmarks=BENCHMARKS)
    assert "Hollow: fewer than 10 people served" in texts(few) and "Hollow" not in " ".join(texts(plain))
    assert few.count("fill: #ffffff") > plain.count("fill: #ffffff")  # white-faced markers drawn
    # The quarter under way is hollow too: the legend says so when it is drawn.
    running = outcome_rates_svg(
        [replace(RATES[0], few=True), *RATES[1:]], title="T", benchmarks=BENCHMARKS, running=True
    )
    assert "Hollow: fewer than 10 people served, or the quarter to date" in texts(running)


WAITS = [
    WaitPoint("2025 Q4", 14.0, 21.0),
    WaitPoint("2026 Q1", 95.5, 120.0),
    WaitPoint("2026 Q2", 101.0, None, still_waiting=True, longest_waiting=150),  # nobody has enrolled yet
]


def test_wait_chart_draws_both_medians_and_marks_quarters_whose_referrals_still_wait() -> None:
    shown = texts(wait_days_svg(WAITS, title="Waits"))
    assert {"Median to first meeting", "Median to enrolment", "Days from referral", "2025 Q4", "2026 Q2"} <= set(shown)
    # Wrapped onto two lines, beside the lines' names in one row
    assert "Hollow: some of the quarter's referrals still wait, so its median may rise" in " ".join(shown)
    assert "Waits" not in shown  # the page heads it: the title names it to a screen reader only
    # The axis reaches above the longest median and the longest wait so far, in tens, and 30 days at least.
    ticks = [int(t) for t in shown if t.isdigit()]
    assert max(ticks) >= 150
    settled = [replace(point, still_waiting=False, longest_waiting=None) for point in WAITS]
    assert max(int(t) for t in texts(wait_days_svg(settled, title="Waits")) if t.isdigit()) < 150
    plain = wait_days_svg(settled, title="Waits")
    assert "Hollow" not in " ".join(texts(plain))
    assert wait_days_svg(WAITS, title="Waits").count("fill: #ffffff") > plain.count("fill: #ffffff")


def test_wait_chart_takes_translated_words_marks_the_quarter_to_date_and_says_when_nobody_has_met() -> None:
    words = WaitChartText(to_first_meeting="Till första möte", to_date="hittills", no_meetings="Inga första möten än",
                          longest_waiting="Längsta väntan hittills")  # fmt: skip
    running = wait_days_svg(WAITS, title="Väntan", running=True, text=words)
    assert {"Till första möte", "(hittills)"} <= set(texts(running)) and "To first meeting" not in texts(running)
    assert "#eef0f3" in running and "#eef0f3" not in wait_days_svg(WAITS, title="Väntan", text=words)
    assert "Shaded: the quarter to date" in " ".join(texts(running))  # the legend says what the shade is
    assert "Längsta väntan hittills" in texts(running)
    for points in ([], [WaitPoint("2026 Q2", None, None, still_waiting=True)]):
        shown = texts(wait_days_svg(points, title="Väntan", text=words))
        assert "Inga första möten än" in shown and "Till första möte" not in shown


def test_wait_chart_marks_the_longest_wait_so_far_of_those_still_waiting_and_says_so() -> None:
    said = "Longest wait so far of those still waiting: their wait will be at least this"
    svg = wait_days_svg(WAITS, title="Waits", description="2026 Q2: 1 still waiting, the longest 150 days & more")
    assert said in " ".join(texts(svg))  # in the legend, wrapped
    root = parse(svg)
    # Said to a screen reader too: the description, escaped, right after the title.
    assert [child.tag for child in root][:2] == [f"{SVG}title", f"{SVG}desc"]
    assert root.findtext(f"{SVG}desc") == "2026 Q2: 1 still waiting, the longest 150 days & more"
    # Drawn as an upward triangle of its own: a quarter with nobody waiting draws none, and the legend says nothing.
    plain = wait_days_svg([replace(point, longest_waiting=None) for point in WAITS], title="Waits")
    assert said not in " ".join(texts(plain)) and "<desc>" not in plain
    marks = re.findall(r'xlink:href="#([^"]+)"', svg)
    (triangle,) = set(marks) - set(re.findall(r'xlink:href="#([^"]+)"', plain))
    assert marks.count(triangle) == 2  # one on the chart (Q2's), one in the legend
    # A referral long left open, 700 days, does not press the medians (14 to 120 days) flat: the scale stops at
    # three times the longest median, and the triangle sits at its top with its days written beside it.
    stale = [*WAITS[:2], replace(WAITS[2], longest_waiting=700)]
    shown = texts(wait_days_svg(stale, title="Waits"))
    assert "700" in shown and max(int(t) for t in shown if t.isdigit() and t != "700") <= 400
    # Only people waiting, nobody met yet: the chart draws their wait rather than saying it is empty.
    waiting_only = texts(wait_days_svg([WaitPoint("2026 Q2", None, None, True, 40)], title="Waits"))
    assert "No first meetings yet" not in waiting_only and said in " ".join(waiting_only)


def test_outcome_chart_without_anyone_served() -> None:
    for points in ([], RATES[:1]):
        shown = texts(outcome_rates_svg(points, title="Outcomes", benchmarks=BENCHMARKS))
        assert "Nobody served yet" in shown and "Minimum 31%" in shown
        assert "Employment rate" not in shown


def test_outcome_chart_labels_about_ten_quarters_and_always_the_latest() -> None:
    points = [RatePoint(f"{2015 + n // 4} Q{n % 4 + 1}", 0.4, 0.1) for n in range(40)]
    labels = [t for t in texts(outcome_rates_svg(points, title="Outcomes", benchmarks=BENCHMARKS)) if " Q" in t]
    assert len(labels) == 10 and labels[-1] == "2024 Q4"
    assert labels[0] == "2015 Q4"  # every fourth quarter, counted back from the latest


def test_each_value_written_on_a_chart_sits_on_white_over_the_lines() -> None:
    """A mean next to the target's dashed line (3.8 by 4) or a total on a band's line stays readable."""
    scored = profile()
    unscored = [replace(p, mean=None) for p in scored]
    white = "fill: #ffffff"
    boxes = principle_profile_svg(scored, title="P").count(white) - principle_profile_svg(unscored, title="P").count(
        white
    )
    assert boxes == sum(p.mean is not None for p in scored) == 7
    assert trend_svg(IPS, POINTS, title="T").count(white) - trend_svg(IPS, [], title="T").count(white) >= len(POINTS)


CROWDED = [  # four units with nearly the same total and rate, and one apart
    UnitPoint("NRV-01", 96, 0.40, external=True),
    UnitPoint("NRV-02", 97, 0.41, external=False),
    UnitPoint("NRV-03", 96, 0.42, external=True),
    UnitPoint("SDV-01", 98, 0.40, external=False),
    UnitPoint("SDV-02", 60, 0.10, external=True),
]


def test_scatter_labels_do_not_cover_one_another_and_stay_inside() -> None:
    """Units with close totals and rates would have their codes printed on top of each other: the labels are moved
    apart, each still in the plot, clear of the bands' names, and the same data draws the same chart."""
    from fidelity.charts import _style

    with _style():
        fig = scatter_figure(IPS, CROWDED, title="Scatter", benchmarks=[], benchmark_labels={})
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        ax = fig.axes[0]
        codes = {point.code for point in CROWDED}
        labels = {text.get_text(): text.get_window_extent(renderer) for text in ax.texts if text.get_text() in codes}
        bands = [text.get_window_extent(renderer) for text in ax.texts if text.get_text() not in codes]
        plot = ax.get_window_extent(renderer)
    assert sorted(labels) == sorted(codes) and len(bands) == 3  # fair, good and exemplary, named at their lines
    boxes = list(labels.values())
    for first, box in enumerate(boxes):
        assert plot.x0 - 1 <= box.x0 and box.x1 <= plot.x1 + 1 and plot.y0 - 1 <= box.y0 and box.y1 <= plot.y1 + 1
        for other in boxes[first + 1 :] + bands:
            assert not box.overlaps(other), (box, other)
    svg = fidelity_employment_svg(IPS, CROWDED, title="Scatter", benchmarks=[], benchmark_labels={})
    assert svg == fidelity_employment_svg(IPS, CROWDED, title="Scatter", benchmarks=[], benchmark_labels={})
    assert all(point.code in texts(svg) for point in CROWDED)


def test_a_unit_whose_rate_rests_on_few_people_is_a_hollow_point_the_legend_names() -> None:
    """A rate among fewer than 10 people served is drawn hollow, in its kind's colour, and the legend says so; a chart
    without such a unit says nothing of them."""
    from matplotlib.colors import to_hex

    from fidelity.charts import _style

    points = [*CROWDED[:4], replace(CROWDED[4], few=True)]
    with _style():
        fig = scatter_figure(IPS, points, title="Scatter", benchmarks=[], benchmark_labels={})
        drawn = [
            (len(c.get_offsets()), [to_hex(f) for f in c.get_facecolors()], [to_hex(e) for e in c.get_edgecolors()])
            for c in fig.axes[0].collections
            if len(c.get_offsets())
        ]
        legend = [text.get_text() for text in fig.legends[0].get_texts()]
    hollow = [(count, faces, edges) for count, faces, edges in drawn if faces == ["#ffffff"]]
    assert len(hollow) == 1 and hollow[0][0] == 1  # SDV-02 only
    assert hollow[0][2] != ["#ffffff"]  # its outline drawn in the external review's colour
    assert sum(count for count, _faces, _edges in drawn) == len(points)
    assert legend[-1] == "Hollow: fewer than 10 people served"
    with _style():
        fig = scatter_figure(IPS, CROWDED, title="Scatter", benchmarks=[], benchmark_labels={})
        assert [text.get_text() for text in fig.legends[0].get_texts()] == ["Self-assessment", "External review"]
