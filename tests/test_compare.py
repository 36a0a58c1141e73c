"""compare() and the plots of one and of two scorecards: the strong re-take of the classic bad
voicemail must show as better (value, clichés, overall), and the verdicts follow the table's rules."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analyzer.reports.comparison import COLUMNS, compare, plot_comparison  # noqa: E402
from analyzer.types import Finding  # noqa: E402
from analyzer.reports.plots import plot_scorecard  # noqa: E402
from analyzer.types import Scorecard  # noqa: E402


@pytest.fixture(scope="module")
def takes(samples_dir):
    from analyzer.pipeline import analyze

    return analyze(samples_dir / "classic_bad.wav"), analyze(samples_dir / "strong.wav")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def card(overall: float, dimensions: dict[str, float], rules: list[tuple[str, str]] = ()) -> Scorecard:
    findings = tuple(Finding(rule=r, dimension=d, severity="warning", message="m", suggestion="s") for r, d in rules)
    return Scorecard(file="take.wav", duration=None, overall=overall, grade="C", passed=False,
                     dimensions=dimensions, findings=findings, text="")


def test_strong_retake_improves_value_cliches_and_overall(takes):
    table = compare(*takes)
    assert list(table.columns) == list(COLUMNS)
    assert table.index[0] == "overall"
    for name in ("overall", "value", "cliches"):
        assert table.loc[name, "verdict"] == "improved", table
        assert table.loc[name, "after"] > table.loc[name, "before"]
    cliches = table[(table["kind"] == "rule") & (table["dimension"] == "cliches")]
    assert cliches["before"].sum() > cliches["after"].sum()
    assert (cliches["verdict"] == "improved").all()
    assert table.loc["cliche.in-your-area", "after"] == 0  # the drop-by cliché is gone


def test_verdicts_follow_the_direction_of_each_row():
    before = card(60, {"value": 60, "clarity": 80, "delivery": 70},
                  [("value.missing", "value"), ("cliche.x", "cliches"), ("cliche.x", "cliches")])
    after = card(60.02, {"value": 90, "clarity": 70}, [("cliche.x", "cliches"), ("structure.y", "structure"),
                                                       ("cliche.x", "cliches"), ("cliche.x", "cliches")])
    table = compare(before, after)
    assert list(table.index) == ["overall", "value", "clarity", "delivery", "value.missing", "cliche.x",
                                 "structure.y"]
    assert table["verdict"].to_dict() == {
        "overall": "same",  # within rounding
        "value": "improved", "clarity": "worse", "delivery": "n/a",  # only the first take has delivery
        "value.missing": "improved",  # disappeared
        "cliche.x": "worse",  # 2 → 3 findings
        "structure.y": "worse",  # appeared
    }
    assert table.loc["structure.y", ["before", "after", "change"]].tolist() == [0, 1, 1]
    assert table.loc["clarity", "change"] == -10
    assert set(table["kind"]) == {"score", "rule"}


def test_same_take_is_the_same_everywhere(takes):
    table = compare(takes[0], takes[0])
    assert (table["verdict"] == "same").all()
    assert (table["change"] == 0).all()


def test_plot_comparison_overlays_scores_and_pitch(takes):
    figure = plot_comparison(*takes)
    assert isinstance(figure, Figure)
    bars, pitch = figure.axes
    assert len(bars.patches) == 2 * (1 + len(takes[0].dimensions))
    assert len(pitch.lines) >= 2
    assert 0 <= pitch.get_xlim()[0] and pitch.get_xlim()[1] <= 1


def test_plot_comparison_of_scripts_has_only_scores():
    figure = plot_comparison(card(50, {"value": 40}), card(70, {"value": 80}))
    assert len(figure.axes) == 1


def test_plot_scorecard_of_a_recording_and_of_a_script(takes):
    figure = takes[0].plot()
    assert isinstance(figure, Figure)
    level, pitch, words = figure.axes
    assert level.collections, "no level envelope drawn"
    spoken = [w.word.strip() for w in takes[0].transcript.words]
    labels = [t.get_text() for t in words.texts]
    # labels that would overlap are left out (tests/test_serve_report.py checks they never overlap)
    assert pitch.lines and set(labels) <= set(spoken) and len(labels) >= len(spoken) / 3
    assert len(plot_scorecard(card(50, {"value": 40, "cliches": 60})).axes) == 1


def test_package_exports_are_lazy_and_compare_stays_the_function():
    code = (
        "import sys, analyzer\n"
        "assert not {'pandas', 'matplotlib', 'numpy'} & set(sys.modules), 'import analyzer is not lazy'\n"
        "from analyzer.reports.comparison import compare, plot_comparison\n"
        "assert analyzer.compare is compare and analyzer.plot_comparison is plot_comparison\n"
        "from analyzer import analyze, analyze_text, Scorecard, analyze_batch, summarise\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
