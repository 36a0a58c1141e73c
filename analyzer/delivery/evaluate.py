"""Fit and evaluate the "sounds read" model on the real recordings of ``../shared/speech``.

``python -m analyzer.delivery.evaluate SPEECH_DIR`` prints the delivery section of ``make eval``:
per-signal AUC, the verdict's AUC, the false-"read" rate on spontaneous recordings and the recall
on read ones, all leave-one-speaker-out (each recording is judged by a model fitted without its
speaker or source, :mod:`analyzer.delivery.corpus`). With ``--fit`` it also refits on every
labelled recording and writes ``analyzer/delivery/data/read_model.toml``; the threshold is the
lowest P(read) whose leave-one-speaker-out false-"read" rate on spontaneous speech is at most
``MAX_FALSE_READ``. Transcripts come from the default engine and model, fillers also from the
second decoding that listens for them (what users get), cached.
The filler part (precision and recall of the filled-pause detector against annotated fillers)
comes from :mod:`analyzer.delivery.filler_eval`.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

from analyzer.delivery import filler_eval
from analyzer.delivery.corpus import Recording, load, recordings
from analyzer.delivery.scripted import MODEL_PATH, ReadModel, scripted_score, scripted_signals

MAX_FALSE_READ = 0.10  # spontaneous speakers told they sound read: at most this share (the worst error)
SIGNALS = ("rate_variation", "declination", "longest_pause", "filler_rate")
C = 1.0  # inverse L2 penalty of the logistic regression (scikit-learn's default)


def measure(speech_dir: Path) -> list[tuple[Recording, dict[str, float]]]:
    """Each labelled recording with its measured signal values (transcribed, cached)."""
    from analyzer.audio.transcribe import transcribe
    from analyzer.delivery.fillers import heard_fillers
    from analyzer.delivery.measure import measure_delivery

    out = []
    for rec in recordings(speech_dir):
        audio = load(rec, speech_dir)
        delivery = measure_delivery(audio, transcribe(audio), heard=heard_fillers(audio))
        out.append((rec, {s.name: s.value for s in delivery.signals}))
    return out


def fit(rows: list[tuple[Recording, dict[str, float]]], *, threshold: float = 0.5, source: str = "") -> ReadModel:
    """Logistic regression on the standardised signals of ``rows`` (missing values at the mean)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[values.get(n, np.nan) for n in SIGNALS] for _, values in rows])
    y = np.array([rec.label for rec, _ in rows])
    mean, sd = np.nanmean(x, axis=0), np.nanstd(x, axis=0) + 1e-9
    model = LogisticRegression(C=C).fit(np.nan_to_num((x - mean) / sd), y)
    return ReadModel(SIGNALS, tuple(mean), tuple(sd), tuple(model.coef_[0]), float(model.intercept_[0]),
                     threshold, source)


def judged(rows) -> list:
    """The rows with enough evidence for a verdict (the same rule as at run time)."""
    probe = ReadModel(SIGNALS, (0.0,) * len(SIGNALS), (1.0,) * len(SIGNALS), (0.0,) * len(SIGNALS), 0.0, 0.5, "")
    return [row for row in rows if scripted_score(_signals(row[1], probe), probe) is not None]


def _signals(values: dict[str, float], model: ReadModel):
    return scripted_signals({n: (v, "") for n, v in values.items()}, model)


def loso(rows) -> np.ndarray:
    """P(read) of each row from a model fitted without the row's group."""
    groups = np.array([rec.group for rec, _ in rows])
    out = np.empty(len(rows))
    for group in np.unique(groups):
        train = [row for row, g in zip(rows, groups) if g != group]
        model = fit(train)
        for i in np.flatnonzero(groups == group):
            out[i] = scripted_score(_signals(rows[i][1], model), model)
    return out


def choose_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """Lowest threshold whose false-"read" rate on spontaneous rows is at most ``MAX_FALSE_READ``."""
    for t in np.unique(np.round(p, 3)):
        if np.mean(p[y == 0] >= t) <= MAX_FALSE_READ:
            return float(t)
    return 1.0


def report(rows, p: np.ndarray, threshold: float) -> dict[str, float]:
    """Per-signal AUC (read high), verdict AUC, false-read rate, recall on read."""
    from sklearn.metrics import roc_auc_score

    y = np.array([rec.label for rec, _ in rows])
    out = {}
    for name in SIGNALS:
        have = np.array([name in v for _, v in rows])
        if have.any() and 0 < y[have].sum() < have.sum():
            out[f"auc {name}"] = float(roc_auc_score(y[have], [v[name] for (_, v), h in zip(rows, have) if h]))
    out["auc verdict"] = float(roc_auc_score(y, p))
    out["false read on spontaneous"] = float(np.mean(p[y == 0] >= threshold))
    out["recall on read"] = float(np.mean(p[y == 1] >= threshold))
    return out


def write_model(model: ReadModel, files: list[str], path: Path = MODEL_PATH) -> None:
    """``model`` as TOML with the files it was fitted on and their hash."""
    digest = hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()[:16]
    lines = [
        "# Written by `python -m analyzer.delivery.evaluate SPEECH_DIR --fit`; do not edit by hand.",
        f'source = "{model.source}"',
        f"intercept = {model.intercept:.6f}",
        f"threshold = {model.threshold:.3f}",
        f'files_sha256 = "{digest}"',
        "files = [" + ", ".join(f'"{f}"' for f in files) + "]",
    ]
    for name, mean, sd, coef in zip(model.names, model.mean, model.sd, model.coef):
        lines += ["", "[[signal]]", f'name = "{name}"', f"mean = {mean:.6f}", f"sd = {sd:.6f}", f"coef = {coef:.6f}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    speech_dir = Path(argv[0]) if argv and not argv[0].startswith("-") else Path("../shared/speech")
    rows = judged(measure(speech_dir))
    y = np.array([rec.label for rec, _ in rows])
    p = loso(rows)
    threshold = choose_threshold(p, y)
    print(f"delivery: 'sounds read' on {len(rows)} recordings with enough speech ({int(y.sum())} read), "
          "leave-one-speaker-out")
    for key, value in report(rows, p, threshold).items():
        print(f"  {key}: {value:.3f}")
    print(f"  threshold (false read <= {MAX_FALSE_READ:.0%}): {threshold:.3f}")
    if "--fit" in argv:
        files = [rec.file for rec, _ in rows]
        source = (f"logistic regression fitted on {len(rows)} real recordings of ../shared/speech "
                  f"(manifest.tsv + calibration.tsv, {int(y.sum())} read); threshold from leave-one-speaker-out")
        write_model(fit(rows, threshold=threshold, source=source), files)
        print(f"  wrote {MODEL_PATH}")
    filler_eval.main([str(speech_dir)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
