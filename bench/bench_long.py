"""`make bench` (long recordings): wall time and peak memory of `analyzer score` on 5, 20 and 60
minutes of real speech, written to bench/long.json and printed as a table.

The recordings are the real ones in ../shared/speech, one after another with half a second
between them, repeated to the length wanted (written to a temporary folder, never to the repo).
Each run is the real command in a fresh process with an empty transcript cache; its peak RSS
comes from the kernel's accounting of that process (wait4). Linear time shows as
``time_x`` (wall time over the previous length's) equal to ``audio_x`` (length over the previous
length); process start-up and model loading (about 15 s) weigh on the shortest file only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from caches import empty_cache

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO.parent / "shared" / "speech"
GAP_S = 0.5  # silence between two recordings


def speech_loop() -> np.ndarray:
    """Every recording of ../shared/speech once, mono 16 kHz, with GAP_S of silence after each."""
    from analyzer.audio.load import SAMPLE_RATE, load_audio

    with open(SPEECH / "manifest.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    return np.concatenate([part for row in rows for part in (load_audio(SPEECH / row["file"]).samples, gap)])


def write_recording(path: Path, loop: np.ndarray, minutes: float) -> Path:
    """``minutes`` of ``loop`` repeated, as 16-bit 16 kHz WAV."""
    import soundfile as sf

    n = int(minutes * 60 * 16000)
    sf.write(path, np.resize(loop, n), 16000, subtype="PCM_16")
    return path


def score(path: Path, model: str, cache: Path, out: Path) -> dict:
    """Run `analyzer score` on ``path``; wall time, peak RSS, and what the card says."""
    env = {**os.environ, "PITCH_ANALYZER_CACHE": str(cache)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "score", str(path), "--model", model,
                                "--format", "json", "-o", str(out)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall_s = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"analyzer score {path.name} failed:\n{process.stderr.read().decode()}")
    card = json.loads(out.read_text())
    return {"wall_s": round(wall_s, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "words": len(card["transcript"]["words"]), "grade": card["grade"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "long.json")
    parser.add_argument("--minutes", default="5,20,60", help="recording lengths (default: 5,20,60)")
    parser.add_argument("--model", default="tiny.en", help="Whisper model (default: tiny.en, which keeps `make "
                        "bench` under 15 minutes on 2 cores; base is the scoring default)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-long-") as tmp:
        tmp = Path(tmp)
        loop = speech_loop()
        for minutes in map(float, args.minutes.split(",")):
            print(f"scoring {minutes:g} minutes of speech with {args.model} ...", file=sys.stderr, flush=True)
            path = write_recording(tmp / f"speech_{minutes:g}min.wav", loop, minutes)
            result = score(path, args.model, empty_cache(tmp / f"cache-{minutes:g}"), tmp / f"card-{minutes:g}.json")
            rows.append({"audio_min": minutes, "model": args.model, **result,
                         "s_per_audio_min": round(result["wall_s"] / minutes, 2)})
            path.unlink()
    for previous, row in zip(rows, rows[1:]):
        row["audio_x"] = round(row["audio_min"] / previous["audio_min"], 2)
        row["time_x"] = round(row["wall_s"] / previous["wall_s"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": rows}, indent=2))
    import pandas as pd

    print(pd.DataFrame(rows).to_string(index=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
