"""`make bench` (batched decoding): faster-whisper's batched pipeline against window-by-window
decoding on CPU, time and WER, on short voicemails and on a long recording; written to
bench/batched.json and printed as a table.

- short: the bench files of bench.py (the bundled samples with speech and the real recordings
  with a full transcript), each transcribed on its own, as `analyzer score` does;
- long: the real recordings with a full transcript, one after another with half a second between
  them, repeated whole until the recording is at least ``--long-min`` minutes long, so that its
  reference is exact (the recordings' transcripts, repeated as often).

Every setting runs in this one process, after a warm-up, with no transcript cache; the settings
are interleaved file by file so that other work on the machine weighs on each alike.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO.parent / "shared" / "speech"
GAP_S = 0.5  # silence between two recordings of the long file


def long_recording(minutes: float):
    """(Audio, reference) of the real recordings with a full transcript, repeated whole to ``minutes``."""
    from analyzer.audio.load import SAMPLE_RATE, Audio, load_audio

    with open(SPEECH / "manifest.tsv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["type"] in ("read", "spontaneous")
                and not r["transcript"].startswith(("not given", "see "))]
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    once = np.concatenate([part for row in rows for part in (load_audio(SPEECH / row["file"]).samples, gap)])
    times = int(np.ceil(minutes * 60 * SAMPLE_RATE / len(once)))
    samples = np.tile(once, times)
    reference = " ".join(row["transcript"] for row in rows * times)
    return Audio(samples, SAMPLE_RATE, f"long-{minutes:g}min", samples[np.newaxis, :]), reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "batched.json")
    parser.add_argument("--model", default="base")
    parser.add_argument("--batch-sizes", default="1,8", help="1 = window by window (default: 1,8)")
    parser.add_argument("--long-min", type=float, default=5.0)
    parser.add_argument("--no-short", action="store_true", help="the long recording only")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "bench"))
    from bench import bench_files

    from analyzer.audio.load import load_audio
    from analyzer.audio.transcribe import DecodeOptions, get_engine, transcribe
    from analyzer.audio.wer import word_error_rate

    sizes = [int(s) for s in args.batch_sizes.split(",")]
    get_engine("faster-whisper", args.model)
    files = [] if args.no_short else [("short", load_audio(path), ref) for path, ref in bench_files()]
    files.append(("long", *long_recording(args.long_min)))
    transcribe(files[0][1], model=args.model, use_cache=False)  # warm-up: first-call imports and allocations
    rows = []
    for kind, audio, reference in files:
        for size in sizes:
            load = os.getloadavg()[0]
            started = time.perf_counter()
            transcript = transcribe(audio, model=args.model, options=DecodeOptions(batch_size=size), use_cache=False)
            rows.append({"kind": kind, "file": Path(audio.path).name, "duration_s": round(audio.duration, 2),
                         "batch_size": size, "asr_s": round(time.perf_counter() - started, 2),
                         "wer": round(word_error_rate(reference, transcript.text), 4), "load_before": round(load, 2)})
            print(rows[-1], file=sys.stderr, flush=True)
    import pandas as pd

    frame = pd.DataFrame(rows)
    table = (frame.groupby(["kind", "batch_size"], sort=False)
             .agg(files=("file", "size"), audio_s=("duration_s", "sum"), asr_s=("asr_s", "sum"), wer=("wer", "mean"),
                  load_before=("load_before", "mean")).reset_index())
    table["rtf"] = (table["asr_s"] / table["audio_s"]).round(4)
    table["speedup"] = (table.groupby("kind")["asr_s"].transform("first") / table["asr_s"]).round(2)
    table[["audio_s", "asr_s", "wer", "load_before"]] = table[["audio_s", "asr_s", "wer", "load_before"]].round(3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"model": args.model, "summary": table.to_dict("records"), "files": rows},
                                   indent=2) + "\n")
    print(table.to_string(index=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
