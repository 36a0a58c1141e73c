"""The role of each sentence of a pitch: intro, reason, value, ask, number, cliche or other.

Each sentence (:mod:`analyzer.text.split`) is embedded with the bundled sentence encoder
(:mod:`analyzer.text.encoder`) and cheap, explainable features are added (a phone number or a
placeholder for one, a question, where the sentence sits, and which of the project's phrase
packs and cue lists it holds: :mod:`analyzer.text.role_cues`). A multinomial logistic regression
fitted on the development set's sentence labels (:mod:`analyzer.text.fit_roles`, ``make fit``),
blended with a vote of the most similar development sentences, gives the role; a second
regression gives a cliche's kind. Both are stored as plain numbers in ``data/roles.json``; the
development set's sentence embeddings (float16, ``data/role_examples.npy``) serve the vote and
give each sentence its nearest development example of the same role, so a finding can show a rep
why a sentence was read the way it was.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Sequence
from importlib import resources

import numpy as np

from analyzer.text.placeholders import number_placeholders, placeholders
from analyzer.text.role_cues import cue_features
from analyzer.text.split import split_pitch
from analyzer.types import Sentence, Word

logger = logging.getLogger(__name__)

ROLES = ("intro", "reason", "value", "ask", "number", "cliche", "other")
# sentences of one text whose roles are read: a voicemail has about 15, a ten-minute monologue about
# 150; past this (some 30 minutes of speech) the text is not one pitch, and encoding every sentence
# of a 1 MB script (13,000 sentences, ~3 ms each) would take most of a minute. The rules still read
# the whole text; a warning says where the roles stop.
MAX_ROLE_SENTENCES = 500
# words that open a question to the listener, with or without a question mark
_QUESTION_OPENERS = frozenset(
    "would could can do does did are is was have has how what when who why worth mind any open".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# weight of the neighbouring sentences' embeddings in the design matrix
CONTEXT_WEIGHT = 0.5
CHEAP_FEATURES = ("phone", "placeholder", "question_mark", "question_open", "first", "last", "position", "words")
# the vote of the nearest development sentences: how many vote, how sharply a closer one outweighs
# a farther one (weight exp(SHARPNESS * cosine)), and the vote's share of the blended probability;
# chosen by the grouped cross-validation of analyzer.text.evaluate_roles
KNN_K = 10
KNN_SHARPNESS = 10.0
KNN_WEIGHT = 0.45  # 0.3 -> 0.45 on the 814-pitch set: cliche 0.85/0.83 -> 0.87/0.85, other 0.86/0.83 -> 0.90/0.84


@functools.lru_cache(maxsize=1)
def _most_digits() -> dict[str, int]:
    """The most digits each number word can add when read aloud (analyzer.text.numbers.read_digits):
    "thirteen" and "twenty" 2, "hundred" 3, "oh" 1, "double" 1 (the digit after it repeats)."""
    from analyzer.text.document import lexicon

    tables = lexicon()["numbers"]
    most = {w: len(str(v)) for part in ("units", "teens") for w, v in tables[part].items()}
    most |= {w: 2 for w in tables["tens"]} | {w: 1 + n for w, n in tables["zeros"].items()}
    most |= {w: 1 for w in tables["zero_letters"]} | {w: n - 1 for w, n in tables["multipliers"].items()}
    return most


def _has_phone(text: str) -> bool:
    """A phone number (7+ digits, written or spoken) or a placeholder for one."""
    from analyzer.text.numbers import PHONE_DIGITS, first_phone

    if number_placeholders(text):
        return True
    # a cheap count first: most sentences have too few number words to hold a phone number; it
    # counts the most digits a word can add, so it never turns away a number that first_phone reads
    most = _most_digits()
    digits = sum(len(t) if t.isdigit() else most.get(t, 0) for t in _TOKEN.findall(text.lower()))
    return digits >= PHONE_DIGITS and first_phone(text) is not None


def cheap_features(texts: Sequence[str]) -> np.ndarray:
    """The explainable features of each sentence of one pitch, shape (n, len(CHEAP_FEATURES))."""
    n = len(texts)
    rows = []
    for i, text in enumerate(texts):
        tokens = _TOKEN.findall(text.lower())
        rows.append([
            float(_has_phone(text)),
            float(bool(placeholders(text))),
            float(text.rstrip().endswith("?")),
            float(bool(tokens) and tokens[0] in _QUESTION_OPENERS),
            float(i == 0),
            float(i == n - 1),
            i / (n - 1) if n > 1 else 0.0,
            np.log1p(len(tokens)) / 4.0,
        ])
    return np.array(rows, dtype=np.float32).reshape(n, len(CHEAP_FEATURES))


def _neighbours(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows before and after each row (zeros at the ends), scaled by CONTEXT_WEIGHT."""
    before, after = np.zeros_like(x), np.zeros_like(x)
    before[1:], after[:-1] = x[:-1], x[1:]
    return CONTEXT_WEIGHT * before, CONTEXT_WEIGHT * after


def design(embeddings: np.ndarray, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """The classifier's input for the sentences of one pitch (``spans`` of ``text``): each
    sentence's embedding, its cheap features and cues, and the embeddings and cues of the
    sentences before and after it (zeros at the ends, halved), since a sentence's job shows partly
    in what surrounds it (a reason comes before its value)."""
    texts = [text[a:b] for a, b in spans]
    cues = cue_features(text, spans)
    return np.hstack([embeddings, cheap_features(texts), *_neighbours(embeddings), cues, *_neighbours(cues)])


def knn_vote(similarities: np.ndarray, example_roles: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Each sentence's share of votes per class from its KNN_K most similar examples, shape
    (n, len(classes)); ``similarities`` is (n, examples), ``example_roles`` each example's role."""
    k = min(KNN_K, similarities.shape[1])
    nearest = np.argpartition(-similarities, k - 1, axis=1)[:, :k]
    weights = np.exp(KNN_SHARPNESS * (np.take_along_axis(similarities, nearest, axis=1) - 1.0))
    votes = np.zeros((len(similarities), len(classes)), dtype=np.float64)
    for c, name in enumerate(classes):
        votes[:, c] = (weights * (example_roles[nearest] == name)).sum(axis=1)
    return votes / votes.sum(axis=1, keepdims=True)


def blend(lr: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """The role probabilities: the regression's, blended with the nearest examples' vote."""
    return (1 - KNN_WEIGHT) * lr + KNN_WEIGHT * votes


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The fitted coefficients and the development examples, loaded once per process."""
    data = resources.files("analyzer.text.data")
    params = json.loads(data.joinpath("roles.json").read_text(encoding="utf-8"))
    with data.joinpath("role_examples.npy").open("rb") as handle:
        examples = np.load(handle, allow_pickle=False).astype(np.float32)
    params["examples"] = examples
    for name in ("role", "kind"):
        params[name]["coef"] = np.array(params[name]["coef"], dtype=np.float32)
        params[name]["intercept"] = np.array(params[name]["intercept"], dtype=np.float32)
    params["example_roles"] = np.array([e["role"] for e in params["example_meta"]])
    return params


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def predict(X: np.ndarray, part: dict) -> np.ndarray:
    """Class probabilities of a fitted logistic regression stored as ``{"coef", "intercept"}``."""
    return _softmax(X @ part["coef"].T + part["intercept"])


def sentence_roles(text: str, *, words: Sequence[Word] | None = None, params: dict | None = None) -> list[Sentence]:
    """The sentences of a pitch with their roles, confidence and nearest development example.

    Cached per process on (text, words): the rules and the scoring model ask for the same pitch.
    ``params``: a classifier other than the shipped one (as :func:`model` returns it), uncached;
    the scoring fit gives each pitch one fitted without its family."""
    if params is not None:
        return list(_classify(text, tuple(words or ()), params))
    return list(_sentence_roles(text, tuple(words or ())))


@functools.lru_cache(maxsize=64)
def _sentence_roles(text: str, words: tuple[Word, ...]) -> tuple[Sentence, ...]:
    return _classify(text, words, model())


def _classify(text: str, words: tuple[Word, ...], params: dict) -> tuple[Sentence, ...]:
    from analyzer.text.encoder import encode

    spans = split_pitch(text, words=words or None)
    if not spans:
        return []
    read = text  # the text the role features are taken from: up to the last sentence given a role
    if len(spans) > MAX_ROLE_SENTENCES:
        logger.warning("a text of %d sentences: roles are given to its first %d (a pitch has a few dozen); "
                       "the rules read all of it", len(spans), MAX_ROLE_SENTENCES)
        spans = spans[:MAX_ROLE_SENTENCES]
        read = text[: spans[-1].char_end]
    texts = [text[s.char_start : s.char_end] for s in spans]
    embeddings = encode(texts)
    X = design(embeddings, read, [(s.char_start, s.char_end) for s in spans])
    similarities = embeddings @ params["examples"].T
    role_p = blend(predict(X, params["role"]), knn_vote(similarities, params["example_roles"], params["role"]["classes"]))
    kind_p = predict(X, params["kind"])
    out = []
    for i, span in enumerate(spans):
        best = int(role_p[i].argmax())
        role = params["role"]["classes"][best]
        same = np.flatnonzero(params["example_roles"] == role)
        near = int(same[similarities[i, same].argmax()]) if len(same) else None
        meta = params["example_meta"][near] if near is not None else {}
        out.append(Sentence(
            text=" ".join(texts[i].split()), char_start=span.char_start, char_end=span.char_end,
            start=span.start, end=span.end, role=role, confidence=float(role_p[i, best]),
            cliche_kind=params["kind"]["classes"][int(kind_p[i].argmax())] if role == "cliche" else None,
            nearest_id=meta.get("id"), nearest_text=meta.get("text"),
            similarity=round(float(similarities[i, near]), 3) if near is not None else None,
        ))
    return tuple(out)
