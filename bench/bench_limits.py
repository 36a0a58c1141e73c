"""`make bench` (limits): peak memory of `analyzer score` on a 3-hour recording of silence, and time
of `analyzer script` on 0.1, 0.5 and 1 MB scripts; written to bench/limits.json and printed.

Targets (issue 17): 3 h of audio under 1.5 GB peak RSS (decoding fills one preallocated buffer and
the cache key is hashed in blocks, so nothing holds a second copy); a 1 MB script in under 10 s, with
time linear in size (``time_x`` equal to ``size_x``); the scripts are the development pitches in
shuffled order (:func:`large_script`). The 3-hour file is made with sox at run time
in a temporary folder (16 kHz 16-bit mono, 330 MB), never kept. Each run is the real command in a
fresh process; peak RSS is the kernel's accounting of that process (wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from caches import empty_cache

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
HOURS = 3.0
SCRIPT_MB = (0.1, 0.5, 1.0)
# seed of the order the development pitches are shuffled in, each time round, for a large script
SCRIPT_SEED = 17


def run(command: list[str], env: dict | None = None) -> tuple[float, int, int]:
    """(wall s, peak RSS MB, exit code) of ``command`` in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return round(time.perf_counter() - started, 2), round(usage.ru_maxrss / 1024), os.waitstatus_to_exitcode(status)


def silence_run(tmp: Path, model: str) -> dict:
    """`analyzer score` on HOURS of silence made by sox."""
    path = tmp / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path), "trim", "0", str(HOURS * 3600)],
                   check=True)
    wall_s, rss_mb, code = run([sys.executable, "-m", "analyzer", "score", str(path), "--model", model,
                                "--format", "json", "-o", str(tmp / "card.json")],
                               env={"PITCH_ANALYZER_CACHE": str(empty_cache(tmp / "cache"))})
    path.unlink()
    return {"audio_h": HOURS, "model": model, "wall_s": wall_s, "peak_rss_mb": rss_mb, "exit_code": code,
            "under_1_5_gb": rss_mb < 1536}


def large_script(size: int) -> str:
    """``size`` characters of the development pitches (tests/data/pitches), one a line, all of them
    in a new shuffled order each time round: about 1,700 distinct sentences, so the sentence
    encoder's cache helps far less than with one repeated paragraph (a 1 MB script holds each
    about nine times; a script that never repeats a sentence would cost more)."""
    from analyzer.scoring.fit import load_pitches

    texts = [p.text for p in load_pitches()]
    rng = random.Random(SCRIPT_SEED)
    parts, length = [], 0
    while length < size:
        rng.shuffle(texts)
        parts += [t + "\n" for t in texts]
        length += sum(len(t) + 1 for t in texts)
    return "".join(parts)[:size]


def script_runs(tmp: Path) -> list[dict]:
    """`analyzer script` on scripts of SCRIPT_MB megabytes."""
    rows = []
    for megabytes in SCRIPT_MB:
        path = tmp / f"script_{megabytes:g}mb.txt"
        size = int(megabytes * 1_000_000)
        path.write_text(large_script(size), encoding="utf-8")
        wall_s, rss_mb, code = run([sys.executable, "-m", "analyzer", "script", str(path), "--format", "json"])
        rows.append({"script_mb": megabytes, "wall_s": wall_s, "peak_rss_mb": rss_mb, "exit_code": code})
    for previous, row in zip(rows, rows[1:]):
        row["size_x"] = round(row["script_mb"] / previous["script_mb"], 2)
        row["time_x"] = round(row["wall_s"] / previous["wall_s"], 2)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "limits.json")
    parser.add_argument("--model", default="tiny.en", help="Whisper model (silence is not decoded: the VAD finds "
                        "no speech, so the model hardly matters)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as tmp:
        print(f"scoring {HOURS:g} h of silence ...", file=sys.stderr, flush=True)
        silence = silence_run(Path(tmp), args.model)
        print("timing analyzer script ...", file=sys.stderr, flush=True)
        scripts = script_runs(Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"silence": silence, "scripts": scripts}, indent=2))
    import pandas as pd

    print(pd.DataFrame([silence]).to_string(index=False))
    print(pd.DataFrame(scripts).to_string(index=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
