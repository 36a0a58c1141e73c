"""`make bench` (batch part): files per minute of `analyzer batch` with --workers 1 and 2, written
to bench/batch.json and printed as a table.

The batch: the bundled samples, each in COPIES variants that differ by a few milliseconds of
trailing silence, so that every file has its own transcript-cache entry. Two passes per setting:

- cold: an empty transcript cache, so every file is transcribed (what a new week of calls costs);
- warm: the same files again with the transcripts the first cold run cached (re-scoring after a
  rule change).

Each run is the real command (`python -m analyzer batch DIR -o ...`) in a fresh process, timed
wall-clock from start to exit: worker start-up and model loading count, as they do for a user.
The settings are interleaved (cold w1, cold w2, cold w1, ...; then warm) and the load average
before each run is recorded, because other work on the machine skews such timings; with
--repeat the table shows the median wall time. Speed-up is against the first setting.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from caches import empty_cache

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
PAD_FRAMES = 160  # 10 ms at 16 kHz: the trailing silence that makes each variant's audio unique


def make_batch(folder: Path, copies: int) -> list[Path]:
    """COPIES variants of every sample: variant k has k * 10 ms of silence appended."""
    files = []
    for source in sorted(SAMPLES.glob("*.wav")):
        with wave.open(str(source), "rb") as reader:
            params, frames = reader.getparams(), reader.readframes(reader.getnframes())
        pad = PAD_FRAMES * params.framerate // 16000 * params.nchannels * params.sampwidth
        for k in range(copies):
            target = folder / f"rep{k % 2}" / f"{source.stem}_{k}.wav"
            target.parent.mkdir(parents=True, exist_ok=True)
            with wave.open(str(target), "wb") as writer:
                writer.setparams(params)
                writer.writeframes(frames + b"\0" * pad * (k + 1))
            files.append(target)
    return files


def run_batch(folder: Path, workers: int, threads: int | None, cache: Path, out: Path) -> dict:
    env = {**os.environ, "PITCH_ANALYZER_CACHE": str(cache)}
    if threads is not None:
        env["PITCH_ANALYZER_THREADS"] = str(threads)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", str(folder), "-o", str(out), "--workers",
                           str(workers)], cwd=REPO, env=env, capture_output=True, text=True)
    wall_s = time.perf_counter() - started
    if done.returncode not in (0, 2):  # 2: some file failed, still a complete run
        raise SystemExit(f"analyzer batch failed ({done.returncode}):\n{done.stderr}")
    import pandas as pd

    table = pd.read_csv(out)
    audio_min = table["duration_s"].sum() / 60
    return {"workers": workers, "asr_threads": threads or "auto", "files": len(table),
            "errors": int((table["status"] == "error").sum()), "audio_min": round(audio_min, 2),
            "wall_s": round(wall_s, 1),
            "files_per_min": round(len(table) / wall_s * 60, 2),
            "audio_min_per_min": round(audio_min / wall_s * 60, 2),
            "mean_file_s": round(table["elapsed_s"].mean(), 2), "load_before": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "batch.json")
    parser.add_argument("--settings", default="1,2", help="comma-separated WORKERS or WORKERSxTHREADS (ASR threads "
                        "per worker; default: the batch's own choice). Default: 1,2")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setting per pass; the table shows the "
                        "median wall time (default: 1)")
    parser.add_argument("--copies", type=int, default=1, help="variants of each sample (default: 1 → 6 files)")
    parser.add_argument("--warm-only", action="store_true", help="skip the cold (transcribing) pass")
    args = parser.parse_args()
    settings = [(int(w), int(t) if t else None) for w, _, t in (s.partition("x") for s in args.settings.split(","))]

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        files = make_batch(tmp / "calls", args.copies)

        warm_cache = None  # the cache the first cold run filled; a fill run of its own with --warm-only
        if args.warm_only:
            warm_cache = empty_cache(tmp / "cache-warm")
            run_batch(tmp / "calls", 2, None, warm_cache, tmp / "fill.csv")  # untimed
        passes = ["warm"] if args.warm_only else ["cold", "warm"]
        for name in passes:
            for repeat in range(args.repeat):
                for index, (workers, threads) in enumerate(settings):
                    print(f"{name} pass {repeat + 1}/{args.repeat}, {len(files)} files, --workers {workers}"
                          f"{f', {threads} ASR threads each' if threads else ''} ...", file=sys.stderr, flush=True)
                    cache = empty_cache(tmp / f"cache-{name}-{repeat}-{index}") if name == "cold" else warm_cache
                    runs.append({"pass": name, **run_batch(tmp / "calls", workers, threads, cache,
                                                           tmp / f"{name}-{repeat}-{index}.csv")})
                    warm_cache = warm_cache or cache
    import pandas as pd

    table = (pd.DataFrame(runs).groupby(["pass", "workers", "asr_threads"], sort=False)
             .agg(files=("files", "first"), audio_min=("audio_min", "first"), wall_s=("wall_s", "median"),
                  wall_s_min=("wall_s", "min"), runs=("wall_s", "size"), load_before=("load_before", "mean"))
             .reset_index())
    table["files_per_min"] = (table["files"] / table["wall_s"] * 60).round(2)
    table["audio_min_per_min"] = (table["audio_min"] / table["wall_s"] * 60).round(2)
    table["speedup"] = (table["files_per_min"] / table.groupby("pass")["files_per_min"].transform("first")).round(2)
    table["load_before"] = table["load_before"].round(2)
    machine = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cpus": len(os.sched_getaffinity(0)), "python": platform.python_version(),
               "asr_threads": os.environ.get("PITCH_ANALYZER_THREADS", "default: 1 worker = library default, "
                                             "N workers = cores / N each")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "copies": args.copies, "summary": table.to_dict("records"),
                                    "runs": runs}, indent=2) + "\n")
    print(table.to_string(index=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
