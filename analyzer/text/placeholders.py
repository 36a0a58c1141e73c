"""Template placeholders: where a rep will fill in a name or a number before calling.

A template ("Hi [Name], this is {rep_name}... call me at <your number>") is a script with its
intro and number still to come: the rules and the role classifier count a name placeholder as a
name and a number placeholder as a callback number. The patterns are the development set's four
placeholder styles (tests/data/pitches/README.md): ``[...]``, ``{...}``, ``<...>`` and runs of
x's standing for digits (``xxx-xxxx``).
"""

from __future__ import annotations

import re

# one bracketed placeholder, or x's written for digits ("xxx-xxxx", "(xxx) xxx-xxxx")
PLACEHOLDER = re.compile(r"\[[^\[\]]{1,40}\]|\{[^{}]{1,40}\}|<[^<>]{1,40}>|\(?\bx{3}\)?[-. ]x{3,4}(?:[-. ]x{4})?\b",
                         re.IGNORECASE)
_INTRO = re.compile(r"name|rep|company|agency|firm|me\b", re.IGNORECASE)
_THIRD_PARTY = re.compile(r"peer|referr|client|customer|competitor|partner", re.IGNORECASE)
_NUMBER_WORDS = re.compile(r"number|phone|digits|line|cell|mobile|extension|x{3}", re.IGNORECASE)


def placeholders(text: str) -> list[re.Match[str]]:
    """Every placeholder in ``text``, in order."""
    return list(PLACEHOLDER.finditer(text))


def is_number_placeholder(match: re.Match[str]) -> bool:
    """True for a placeholder that stands for a phone number ("<your number>", "xxx-xxxx")."""
    return bool(_NUMBER_WORDS.search(match.group()))


def number_placeholders(text: str) -> list[re.Match[str]]:
    """The placeholders in ``text`` that stand for a phone number."""
    return [m for m in placeholders(text) if is_number_placeholder(m)]


def name_placeholders(text: str) -> list[re.Match[str]]:
    """The placeholders in ``text`` that stand for something other than a number (a name, a company)."""
    return [m for m in placeholders(text) if not is_number_placeholder(m)]


def intro_placeholders(text: str) -> list[re.Match[str]]:
    """The placeholders that stand for a name or a company of the call's two parties ("[Name]",
    "{rep_name}", "[Company]"), not a third party's ("[Peer Company]", "{referrer_name}")."""
    return [m for m in name_placeholders(text) if _INTRO.search(m.group()) and not _THIRD_PARTY.search(m.group())]
