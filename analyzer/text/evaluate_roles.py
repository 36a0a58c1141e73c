"""How well the sentence-role classifier generalises to a style it has never seen.

:func:`role_report` cross-validates the classifier of :mod:`analyzer.text.fit_roles` grouped by
style family (the file a pitch comes from: every variant of a pitch stays on the same side of a
split), and gives each role's precision and recall on all sentences and on the ``asr`` variants,
plus the accuracy of cliche kinds. The nearest-example vote of the held-out sentences draws only
on the training folds' sentences. ``make eval`` prints it; ``tests/test_roles.py`` holds floors.
"""

from __future__ import annotations

import numpy as np

# folds of the grouped cross-validation
FOLDS = 5


def fold_models(X: np.ndarray, roles: np.ndarray, kinds: np.ndarray, groups: np.ndarray):
    """(train rows, test rows, role regression, kind regression) for each fold of the k-fold
    grouped by family (:func:`analyzer.text.fit_roles.fit_both` on the training rows)."""
    from sklearn.model_selection import GroupKFold

    from analyzer.text.fit_roles import fit_both

    for train, test in GroupKFold(n_splits=FOLDS).split(X, roles, groups):
        yield (train, test, *fit_both(X, roles, kinds, train))


def role_report(pitches, *, table: tuple[np.ndarray, np.ndarray] | None = None):
    """Per-role precision, recall and support under grouped k-fold CV (a pandas DataFrame).

    Parameters
    ----------
    pitches : list of LabelledPitch
        From :func:`analyzer.text.fit_roles.load_labelled`.
    table : (X, embeddings), optional
        The sentences' design matrix, when already computed (:func:`fit_roles.sentence_table`).

    Returns
    -------
    DataFrame with columns ``subset`` (all | asr), ``role``, ``precision``, ``recall``, ``support``;
    the row ``role = "cliche_kind"`` gives the accuracy of the kind on correctly found cliches.
    """
    import pandas as pd
    from sklearn.metrics import precision_recall_fscore_support

    from analyzer.text.fit_roles import sentence_labels, sentence_table
    from analyzer.text.roles import blend, knn_vote

    X, embeddings = table if table is not None else sentence_table(pitches)
    y, kinds, groups = sentence_labels(pitches)
    asr = np.array([p.variant == "asr" for p in pitches for _ in p.roles])
    predicted = np.empty_like(y)
    kind_predicted = np.empty_like(kinds)
    for train, test, clf, kind_clf in fold_models(X, y, kinds, groups):
        votes = knn_vote(embeddings[test] @ embeddings[train].T, y[train], clf.classes_)
        predicted[test] = clf.classes_[blend(clf.predict_proba(X[test]), votes).argmax(axis=1)]
        kind_predicted[test] = kind_clf.predict(X[test])
    rows = []
    for subset, mask in (("all", np.ones_like(asr)), ("asr", asr)):
        labels = sorted(set(y[mask]))
        p, r, _, n = precision_recall_fscore_support(y[mask], predicted[mask], labels=labels, zero_division=0)
        rows += [{"subset": subset, "role": role, "precision": p[i], "recall": r[i], "support": int(n[i])}
                 for i, role in enumerate(labels)]
        found = mask & (y == "cliche") & (predicted == "cliche") & (kinds != "")
        accuracy = float((kind_predicted[found] == kinds[found]).mean()) if found.any() else float("nan")
        rows.append({"subset": subset, "role": "cliche_kind", "precision": accuracy, "recall": accuracy,
                     "support": int(found.sum())})
    return pd.DataFrame(rows)


def split_report(pitches) -> dict[str, float]:
    """How well unpunctuated, untimed text is cut into sentences, under grouped k-fold CV: the
    boundary model is fitted on the other families' pitches and cuts the held-out family's ``asr``
    pitches. Boundary precision and recall, and the share of pitches cut exactly as labelled."""
    from sklearn.model_selection import GroupKFold

    from analyzer.text.fit_roles import fit_boundaries
    from analyzer.text.split import split_pitch

    found = true = hits = exact = n = 0
    groups = [p.family for p in pitches]
    for train, test in GroupKFold(n_splits=FOLDS).split(pitches, groups=groups):
        model = fit_boundaries([pitches[i] for i in train], None)
        for p in (pitches[i] for i in test if pitches[i].variant == "asr"):
            gold, offset = set(), 0
            for text in p.texts[:-1]:
                offset += len(text) + 1
                gold.add(offset)
            cuts = {s.char_start for s in split_pitch(p.text, boundaries=model)[1:]}
            found, true, hits = found + len(cuts), true + len(gold), hits + len(cuts & gold)
            exact, n = exact + (cuts == gold), n + 1
    return {"pitches": n, "precision": hits / found if found else 0.0, "recall": hits / true if true else 0.0,
            "exact": exact / n if n else 0.0}
