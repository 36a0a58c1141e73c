"""readability.grade works offline: textstat's syllables come from the bundled CMUdict.

textstat 0.7.13 loads CMUdict through NLTK and calls ``nltk.download('cmudict')`` when the
corpus is missing, which fails without a network. These tests block both NLTK's data and
the network and check that syllables are still the dictionary's, not pyphen's guesses.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analyzer.rules import check_text
from analyzer.rules.readability import grade_and_ease, offline_textstat

# words whose CMUdict syllable count differs from pyphen's hyphenation guess
DICTIONARY_SYLLABLES = {"area": 3, "idea": 3, "fire": 2, "hour": 2, "every": 3, "camera": 3}


@pytest.fixture
def offline(monkeypatch):
    """NLTK has no data and cannot download; sockets refuse to connect."""
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("network or NLTK download attempted")

    def no_data(*args, **kwargs):
        raise LookupError("NLTK data blocked by the test")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", no_data)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    textstat = offline_textstat()
    importlib.import_module("textstat.backend.counts._count_syllables").count_syllables.cache_clear()
    return textstat


def test_syllables_come_from_the_bundled_dictionary(offline):
    for word, syllables in DICTIONARY_SYLLABLES.items():
        assert offline.syllable_count(word) == syllables, word


def test_grade_and_finding_offline(offline):
    text = (
        "Organizations undertaking enterprise-wide transformation initiatives encounter interoperability "
        "limitations between legacy infrastructure and contemporary architectures every quarter. "
        "Our comprehensive methodology facilitates accelerated modernization in this area."
    )
    grade, ease = grade_and_ease(text)
    assert grade > 15 and ease < 30
    finding = next(f for f in check_text(text) if f.rule == "readability.grade")
    assert finding.value == round(grade, 1) and finding.threshold == 9.0
    assert "Flesch" in finding.source and "Kincaid" in finding.source


def test_plain_speech_reads_easily(offline):
    grade, ease = grade_and_ease("You told us the ants keep coming back. We now treat the walls. Call me at five.")
    assert grade < 6 and ease > 80


def test_fresh_process_without_nltk_data_or_network(tmp_path: Path):
    """A new interpreter, NLTK pointed at an empty folder, sockets disabled before any import."""
    code = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise OSError("network disabled by test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        import os
        import nltk
        nltk.data.path[:] = [os.environ["NLTK_DATA"]]
        try:
            nltk.data.find("corpora/cmudict")
        except LookupError:
            pass
        else:
            raise SystemExit("NLTK cmudict data is present; the test would not prove anything")
        from analyzer.rules.readability import grade_and_ease, offline_textstat
        assert offline_textstat().syllable_count("area") == 3
        grade, ease = grade_and_ease("Our comprehensive methodology facilitates accelerated modernization.")
        print(round(grade, 1), round(ease, 1))
        """
    )
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    grade, ease = map(float, result.stdout.split())
    assert grade > 15


def test_grade_without_importing_nltk():
    """textstat's CMUdict loader imports NLTK (about 3 s); the stand-in keeps it out of the process."""
    code = ("import sys\nfrom analyzer.rules.readability import grade_and_ease\n"
            "grade, _ = grade_and_ease('Our comprehensive methodology facilitates accelerated modernization.')\n"
            "print(round(grade, 1), 'nltk' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert result.returncode == 0, result.stderr
    grade, nltk_loaded = result.stdout.split()
    assert float(grade) > 15 and nltk_loaded == "False"
