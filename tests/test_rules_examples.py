"""Every text rule fires on its 'fail' examples and stays quiet on its 'pass' ones.

The examples are data (tests/data/rule_examples.toml), in the manner of proselint's
check examples and sqlfluff's rule cases.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from analyzer.rules import check_text
from analyzer.rules.evaluate import text_rule_ids

EXAMPLES = tomllib.loads((Path(__file__).parent / "data" / "rule_examples.toml").read_text(encoding="utf-8"))


def _cases(outcome: str) -> list:
    cases = []
    for rule_id, entry in EXAMPLES.items():
        for example in entry.get(outcome, []):
            example = example if isinstance(example, dict) else {"text": example}
            cases.append(pytest.param(rule_id, example, id=f"{rule_id}:{example['text'][:40]}"))
    return cases


def _fired(example: dict) -> set[str]:
    findings = check_text(example["text"], kind=example.get("kind", "voicemail"), duration=example.get("duration"))
    return {f.rule for f in findings}


def test_every_text_rule_has_examples_both_ways():
    for rule_id in text_rule_ids():
        assert EXAMPLES.get(rule_id, {}).get("fail"), f"{rule_id} has no firing example"
        assert EXAMPLES.get(rule_id, {}).get("pass"), f"{rule_id} has no non-firing example"


@pytest.mark.parametrize(("rule_id", "example"), _cases("fail"))
def test_fires(rule_id: str, example: dict):
    assert rule_id in _fired(example)


@pytest.mark.parametrize(("rule_id", "example"), _cases("pass"))
def test_does_not_fire(rule_id: str, example: dict):
    assert rule_id not in _fired(example)
