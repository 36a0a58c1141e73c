"""Fit the sentence-role classifier on the development set's sentence labels.

``python -m analyzer.text.fit_roles [tests/data/pitches]`` (a step of ``make fit``). Every labelled
sentence of every pitch is embedded with the bundled encoder; a multinomial logistic regression
(scikit-learn, the ``fit`` extra) learns the role from the embedding and the cheap features of
:func:`analyzer.text.roles.design`, a second one learns a cliche's kind from the cliche sentences.
Written as plain numbers to ``analyzer/text/data/roles.json`` with the development set's hash and
the grouped cross-validation figures of :func:`analyzer.text.evaluate_roles.role_report`; the
sentence embeddings go to ``role_examples.npy`` as float16 (never a pickle).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.text.role_cues import cue_names
from analyzer.text.roles import CHEAP_FEATURES, ROLES, design
from analyzer.text.split import gap_features, gap_tokens

DEV_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "pitches"
DATA = Path(__file__).resolve().parent / "data"
# inverse regularisation strength of both regressions (scikit-learn's C), chosen by grouped CV
C = 4.0
# the role regression weighs each role by the inverse of its frequency, so the rare roles (other:
# 6% of the sentences) are not traded for the common ones; chosen by grouped CV (other's recall
# 0.46 -> 0.55 with the vote at 0.4, no role worse by more than 0.02)
ROLE_CLASS_WEIGHT = "balanced"
# the same for the sentence-boundary regression, and the probability from which a gap is a boundary
BOUNDARY_C = 3.0
BOUNDARY_THRESHOLD = 0.3


@dataclass(frozen=True)
class LabelledPitch:
    """A development-set pitch with its sentence labels."""

    id: str
    family: str
    kind: str
    verdict: str
    variant: str
    # the sentences' texts, roles and cliche kinds (None outside cliches), in order
    texts: tuple[str, ...]
    roles: tuple[str, ...]
    cliche_kinds: tuple[str | None, ...]

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Character spans of the labelled sentences in :attr:`text`."""
        spans, start = [], 0
        for t in self.texts:
            spans.append((start, start + len(t)))
            start += len(t) + 1
        return spans


def load_labelled(folder: Path = DEV_SET) -> list[LabelledPitch]:
    """Every pitch of every ``<family>.toml`` in ``folder``, with its sentence labels."""
    pitches = []
    for path in sorted(Path(folder).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for p in data.get("pitch", []):
            s = p["sentences"]
            pitches.append(LabelledPitch(
                p["id"], path.stem, p["kind"], p["verdict"], p.get("variant", "clean"),
                tuple(x["text"] for x in s), tuple(x["role"] for x in s), tuple(x.get("cliche_kind") for x in s)))
    return pitches


def dev_set_hash(folder: Path = DEV_SET) -> str:
    """SHA-256 over the development set's files (names and contents), as the scoring model records it."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sentence_table(pitches: list[LabelledPitch]) -> tuple[np.ndarray, np.ndarray]:
    """(design matrix, embeddings) of every labelled sentence, pitch by pitch, in order."""
    from analyzer.text.encoder import encode

    blocks, embeddings = [], []
    for p in pitches:
        e = encode(list(p.texts))
        embeddings.append(e)
        blocks.append(design(e, p.text, p.spans))
    return np.vstack(blocks), np.vstack(embeddings)


def sentence_labels(pitches: list[LabelledPitch]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every labelled sentence's role, cliche kind ("" where none is named) and family, in order."""
    return (np.array([r for p in pitches for r in p.roles]),
            np.array([k or "" for p in pitches for k in p.cliche_kinds]),
            np.array([p.family for p in pitches for _ in p.roles]))


def example_meta(pitches: list[LabelledPitch]) -> list[dict]:
    """What a nearest development example shows of itself: its pitch, text, role and cliche kind."""
    return [{"id": p.id, "text": t, "role": r, "cliche_kind": k}
            for p in pitches for t, r, k in zip(p.texts, p.roles, p.cliche_kinds)]


def fit_both(X: np.ndarray, roles: np.ndarray, kinds: np.ndarray, rows: np.ndarray):
    """The role regression on the sentences ``rows`` and the kind regression on their cliches that
    name a kind."""
    has_kind = rows[(roles[rows] == "cliche") & (kinds[rows] != "")]
    return (fit_regression(X[rows], roles[rows], class_weight=ROLE_CLASS_WEIGHT),
            fit_regression(X[has_kind], kinds[has_kind]))


def fit_regression(X, y, *, C: float = C, class_weight: str | None = None):
    """A (multinomial) logistic regression of ``y`` on ``X``."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=3000, class_weight=class_weight).fit(X, y)


def _stored(clf) -> dict:
    return {"classes": [str(c) for c in clf.classes_], "coef": clf.coef_.round(6).tolist(),
            "intercept": clf.intercept_.round(6).tolist()}


def fit(folder: Path = DEV_SET, out: Path = DATA) -> dict:
    """Fit both regressions on every labelled sentence and write them with the CV figures."""
    from analyzer.text.evaluate_roles import role_report

    pitches = load_labelled(folder)
    fit_boundaries(pitches, out, folder=folder)
    X, embeddings = sentence_table(pitches)
    roles, kinds, _ = sentence_labels(pitches)
    role_clf, kind_clf = fit_both(X, roles, kinds, np.arange(len(roles)))
    report = role_report(pitches, table=(X, embeddings))
    params = {
        "about": "sentence-role classifier: analyzer.text.fit_roles on the development set",
        "dev_set_sha256": dev_set_hash(folder),
        "sentences": len(roles),
        "pitches": len(pitches),
        "C": C,
        "role_class_weight": ROLE_CLASS_WEIGHT,
        "features": [f"{part}[{i}]" for part in ("embedding",) for i in range(embeddings.shape[1])]
        + list(CHEAP_FEATURES)
        + [f"{part}[{i}]" for part in ("before", "after") for i in range(embeddings.shape[1])]
        + [f"{part}{name}" for part in ("", "before.", "after.") for name in cue_names()],
        "role": _stored(role_clf),
        "kind": _stored(kind_clf),
        "grouped_cv": report.round(3).to_dict(orient="records"),
        "example_meta": example_meta(pitches),
    }
    assert set(params["role"]["classes"]) <= set(ROLES)
    out.mkdir(parents=True, exist_ok=True)
    (out / "roles.json").write_text(json.dumps(params, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    np.save(out / "role_examples.npy", embeddings.astype(np.float16), allow_pickle=False)
    return params


def held_out_models(folder: Path = DEV_SET) -> dict[str, dict]:
    """For every family, the role classifier fitted without it (grouped k-fold), in the form
    :func:`analyzer.text.roles.model` returns: the scoring fit reads each pitch's roles from one
    of these, so that its weights learn from roles as good as they are on unseen pitches."""
    from analyzer.text.evaluate_roles import fold_models

    pitches = load_labelled(folder)
    X, embeddings = sentence_table(pitches)
    roles, kinds, groups = sentence_labels(pitches)
    meta = example_meta(pitches)
    out = {}
    for train, test, role_clf, kind_clf in fold_models(X, roles, kinds, groups):
        params = {"role": _arrays(role_clf), "kind": _arrays(kind_clf),
                  "examples": embeddings[train].astype(np.float32), "example_roles": roles[train],
                  "example_meta": [meta[i] for i in train]}
        out.update(dict.fromkeys(set(groups[test]), params))
    return out


def _arrays(clf) -> dict:
    return {"classes": [str(c) for c in clf.classes_], "coef": clf.coef_.astype(np.float32),
            "intercept": clf.intercept_.astype(np.float32)}


def fit_boundaries(pitches: list[LabelledPitch], out: Path = DATA, *, threshold: float = BOUNDARY_THRESHOLD,
                   folder: Path = DEV_SET) -> dict:
    """Fit where unpunctuated, untimed text ends a sentence (:func:`analyzer.text.split.gap_features`)
    on every pitch's labelled boundaries, its words written as a recogniser writes them; write
    ``boundaries.json`` (the non-zero feature weights) unless ``out`` is None."""
    from sklearn.feature_extraction import DictVectorizer

    rows, labels = [], []
    for p in pitches:
        tokens, cuts = [], set()
        for text in p.texts:
            cuts.add(len(tokens))
            tokens += gap_tokens(text)[1]
        for i in range(1, len(tokens)):
            rows.append(dict.fromkeys(gap_features(tokens, i), 1.0))
            labels.append(i in cuts)
    vectoriser = DictVectorizer()
    clf = fit_regression(vectoriser.fit_transform(rows), labels, C=BOUNDARY_C)
    weights = {name: round(float(w), 5) for name, w in zip(vectoriser.feature_names_, clf.coef_[0]) if abs(w) > 0.01}
    params = {"about": "sentence boundaries of unpunctuated text: analyzer.text.fit_roles.fit_boundaries",
              "dev_set_sha256": dev_set_hash(folder), "C": BOUNDARY_C, "threshold": threshold,
              "intercept": round(float(clf.intercept_[0]), 5), "weights": weights}
    if out is not None:
        (out / "boundaries.json").write_text(json.dumps(params, sort_keys=True) + "\n", encoding="utf-8")
    return params


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEV_SET)
    params = fit(parser.parse_args(argv).folder)
    print(f"fitted on {params['sentences']} sentences of {params['pitches']} pitches")
    for row in params["grouped_cv"]:
        print(row)


if __name__ == "__main__":
    main()
