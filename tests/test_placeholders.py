"""Templates and live openers: placeholders count as a name and a number; an opener is never
asked for a callback number; --kind reaches the card."""

from __future__ import annotations

import json

import pytest

from analyzer.pipeline import analyze_text
from analyzer.rules import check_text
from analyzer.text.placeholders import name_placeholders, number_placeholders
from tests.conftest import run_analyzer

TEMPLATE = ("Hi [Name], this is {rep_name} with [Company]. I saw your team opened a second site; we cut mis-picks "
            "by a third for [Peer Company]. Call me at <your number>, again <your number>.")
OPENER = ("Hi Dana, this is Sam at Fieldline. I saw you opened a second warehouse in Reno. Most ops leads tell me "
          "mis-picks go up at a new site. Is that on your radar?")


def rules_fired(text: str, **kwargs) -> set[str]:
    return {f.rule for f in check_text(text, **kwargs)}


def test_placeholder_styles_are_told_apart():
    assert [m.group() for m in number_placeholders(TEMPLATE)] == ["<your number>", "<your number>"]
    assert [m.group() for m in name_placeholders(TEMPLATE)] == ["[Name]", "{rep_name}", "[Company]", "[Peer Company]"]
    assert [m.group() for m in number_placeholders("Reach me at xxx-xxx-xxxx or (xxx) xxx-xxxx.")] == [
        "xxx-xxx-xxxx", "(xxx) xxx-xxxx"]


def test_a_template_has_a_name_and_a_number():
    fired = rules_fired(TEMPLATE)
    assert not fired & {"structure.no-intro", "structure.no-callback-number", "structure.number-once"}
    once = TEMPLATE.replace(", again <your number>", "")
    assert "structure.number-once" in rules_fired(once)
    # without the placeholders, the same pitch has neither
    bare = TEMPLATE.replace("[Name], this is {rep_name} with [Company]", "there").replace(
        "at <your number>, again <your number>", "back")
    assert {"structure.no-intro", "structure.no-callback-number"} <= rules_fired(bare)


def test_an_opener_without_a_number_gets_no_number_finding():
    assert "structure.no-callback-number" in rules_fired(OPENER, kind="voicemail")
    assert not {r for r in rules_fired(OPENER, kind="opener") if r.startswith("structure.no-callback")
                or r == "structure.number-once"}
    card = analyze_text(OPENER)
    assert card.kind == "opener" and "Is that on your radar?" in card.kind_evidence
    assert not [f for f in card.findings if f.rule in ("structure.no-callback-number", "structure.number-once")]


def test_kind_option_on_the_script_command(tmp_path):
    script = tmp_path / "opener.txt"
    script.write_text(OPENER, encoding="utf-8")
    auto = run_analyzer("script", str(script))
    assert auto.returncode in (0, 1) and "Judged as an opener" in auto.stdout
    forced = run_analyzer("script", str(script), "--kind", "voicemail", "--format", "json")
    card = json.loads(forced.stdout)
    assert card["kind"] == "voicemail" and card["kind_evidence"].endswith("(--kind voicemail)")
    assert "structure.no-callback-number" in {f["rule"] for f in card["findings"]}
    bad = run_analyzer("script", str(script), "--kind", "podcast")
    assert bad.returncode == 2 and "podcast" in bad.stderr


def test_unknown_kind_through_the_api_is_an_input_error():
    from analyzer.errors import InputError

    with pytest.raises(InputError, match="unknown pitch kind"):
        analyze_text(OPENER, kind="podcast")


def test_manifest_kind_column(tmp_path):
    from analyzer.batch.inputs import read_manifest
    from analyzer.errors import InputError

    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "m.csv").write_text("file,kind\na.wav,opener\n", encoding="utf-8")
    assert [i.kind for i in read_manifest(tmp_path / "m.csv")] == ["opener"]
    (tmp_path / "m.csv").write_text("file,kind\na.wav,podcast\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: kind must be"):
        read_manifest(tmp_path / "m.csv")
