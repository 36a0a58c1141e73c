"""User settings: disabled rules, threshold overrides and extra phrase packs, for every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import Config, load_config
from analyzer.types import Finding
from analyzer.errors import InputError
from analyzer.rules import check_text, list_rules
from analyzer.rules.registry import rule

CLASSIC = (Path(__file__).parent / "data" / "scripts" / "classic-bad.txt").read_text(encoding="utf-8")
PACK = '''
[[rule]]
id = "cliche.acme-banned"
dimension = "cliches"
severity = "warning"
message = "Banned at Acme: \\"{quote}\\""
suggestion = "Say what the customer gets instead."
[rule.params]
kind = "existence"
phrases = ["synerg*", "circle the wagons"]
'''


def fired(text: str, config: Config) -> set[str]:
    return {f.rule for f in check_text(text, config=config)}


def test_defaults_enable_every_rule_with_declared_thresholds():
    config = Config()
    assert all(config.enabled(r.id) for r in list_rules())
    assert config.rule("structure.too-long").threshold == rule("structure.too-long").threshold


def test_disabled_rules_produce_no_findings():
    assert "cliche.in-your-area" in fired(CLASSIC, Config())
    assert "cliche.in-your-area" not in fired(CLASSIC, Config(disabled={"cliche.in-your-area"}))


def test_threshold_override_changes_the_verdict_and_the_reported_threshold():
    findings = check_text(CLASSIC, config=Config(thresholds={"structure.too-long": 45}))
    assert "structure.too-long" not in {f.rule for f in findings}
    strict = next(f for f in check_text(CLASSIC, config=Config(thresholds={"structure.too-long": 20})) if f.rule == "structure.too-long")
    assert strict.threshold == 20 and "under 20 s" in strict.message


def test_settings_apply_to_audio_rules_too():
    config = Config(disabled={"audio.no-speech"})
    audio_finding = rule("audio.no-speech").finding()
    assert config.apply([audio_finding]) == []
    kept = Finding("structure.no-ask", "structure", "error", "m", "s")
    assert config.apply([audio_finding, kept]) == [kept]


def test_unknown_rule_ids_and_bad_values_are_reported_with_the_file(tmp_path: Path):
    with pytest.raises(InputError, match="unknown rule id 'cliche.nope'"):
        Config(disabled={"cliche.nope"}, path=tmp_path / "analyzer.toml")
    with pytest.raises(InputError, match="must be a number"):
        Config(thresholds={"structure.too-long": "long"})


def test_load_from_analyzer_toml_in_a_parent_folder(tmp_path: Path):
    (tmp_path / "analyzer.toml").write_text('disable = ["cliche.hedges"]\n[thresholds]\n"structure.too-short" = 10\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config.disabled == {"cliche.hedges"}
    assert config.rule("structure.too-short").threshold == 10
    assert config.path == tmp_path / "analyzer.toml"


def test_load_from_pyproject_tool_table_and_skip_pyprojects_without_one(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.analyzer]\ndisable = ["value.vague"]\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(inner).disabled == {"value.vague"}


def test_no_settings_file_gives_defaults(tmp_path: Path):
    config = load_config(tmp_path)
    assert config == Config() or tmp_path not in config.path.parents  # unless a parent of /tmp has one


def test_extra_pack_adds_a_phrase_rule(tmp_path: Path):
    (tmp_path / "acme.toml").write_text(PACK)
    (tmp_path / "analyzer.toml").write_text('packs = ["acme.toml"]\n')
    config = load_config(tmp_path)
    assert "cliche.acme-banned" in {r.id for r in list_rules(config)}
    findings = check_text("We bring real synergies to your team.", config=config)
    banned = next(f for f in findings if f.rule == "cliche.acme-banned")
    assert banned.quote == "synergies" and banned.dimension == "cliches"


def test_broken_settings_name_the_file(tmp_path: Path):
    (tmp_path / "analyzer.toml").write_text("disable = [unclosed\n")
    with pytest.raises(InputError, match="analyzer.toml"):
        load_config(tmp_path)
    (tmp_path / "analyzer.toml").write_text('colour = "red"\n')
    with pytest.raises(InputError, match="unknown settings"):
        load_config(tmp_path)
    (tmp_path / "analyzer.toml").write_text('packs = ["missing.toml"]\n')
    with pytest.raises(InputError, match="missing.toml"):
        load_config(tmp_path)


def test_a_broken_pack_names_its_rule(tmp_path: Path):
    (tmp_path / "bad.toml").write_text(PACK.replace('"circle the wagons"', '"Circle The Wagons"'))
    with pytest.raises(InputError, match="cliche.acme-banned"):
        Config(packs=(tmp_path / "bad.toml",))
