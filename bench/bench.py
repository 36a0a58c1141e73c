"""`make bench`: real-time factor per stage, the engine comparison at equal model, batch scaling,
long recordings and peak memory, written to bench/results.json and printed as tables.

Each engine/model runs in its own process so that its peak RSS is its own. Files: the bundled
samples with speech (reference: the script read) and the real recordings in ../shared/speech
that have a full reference transcript. Batch throughput and long recordings come from
bench_batch.py and bench_long.py, run from here in their own processes and merged in.
On a CUDA machine the engines run there (float16, faster-whisper batched), and the tables show it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEECH = REPO.parent / "shared" / "speech"
# both engines at the default model (the comparison at equal model), and the fast bundled model
CONFIGS = [("faster-whisper", "base"), ("openai-whisper", "base"), ("faster-whisper", "tiny.en")]


def bench_files() -> list[tuple[Path, str]]:
    """(audio path, reference text) for every file the benchmark runs."""
    files = [(wav, wav.with_suffix(".txt").read_text()) for wav in sorted((REPO / "samples").glob("*.wav"))
             if wav.with_suffix(".txt").read_text().strip()]
    with open(SPEECH / "manifest.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["type"] in ("read", "spontaneous") and not row["transcript"].startswith(("not given", "see ")):
                files.append((SPEECH / row["file"], row["transcript"]))
    return files


def run_config(engine: str, model: str, *, pipeline: bool = False) -> dict:
    """Load, then transcribe each file without the cache; times per stage and per file. With
    ``pipeline`` (the default engine and model) then also the stages after ASR and the whole
    analyze(), in the same process; the ASR peak RSS is taken before those."""
    from analyzer.audio.load import load_audio
    from analyzer.audio.transcribe import _cuda_available, get_engine, transcribe
    from analyzer.audio.wer import word_error_rate

    started = time.perf_counter()
    get_engine(engine, model)
    load_model_s = time.perf_counter() - started
    rows, transcripts = [], []
    for path, reference in bench_files():
        t0 = time.perf_counter()
        audio = load_audio(path)
        t1 = time.perf_counter()
        transcript = transcribe(audio, engine=engine, model=model, use_cache=False)
        t2 = time.perf_counter()
        transcripts.append(transcript)
        rows.append({"file": path.name, "duration_s": audio.duration, "load_s": t1 - t0, "transcribe_s": t2 - t1,
                     "wer": word_error_rate(reference, transcript.text)})
    result = {"engine": engine, "model": model, "device": "cuda" if _cuda_available(engine) else "cpu",
              "load_model_s": load_model_s, "files": rows,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if pipeline:
        result["pipeline"] = run_pipeline(transcripts, rows, engine=engine, model=model)
    return result


def run_pipeline(transcripts: list, asr_rows: list[dict], *, engine: str, model: str) -> dict:
    """Per file: delivery and text rules on its transcript, then the whole analyze() with an empty
    transcript cache (ASR again: a stereo call is transcribed once per channel)."""
    import tempfile

    from analyzer.audio.load import load_audio
    from analyzer.delivery.measure import measure_delivery
    from analyzer.pipeline import analyze
    from analyzer.rules import check_audio, check_transcript
    from analyzer.types import Measures

    analyze(load_audio(bench_files()[0][0]), engine=engine, model=model)  # warm-up: first-call imports
    from analyzer.audio.transcribe import transcribe

    rows = []
    for (path, _), transcript, asr in zip(bench_files(), transcripts, asr_rows):
        audio = load_audio(path)
        # the ASR that analyze() runs: once per channel of a two-party call, else once
        channels = [audio.channel(i) for i in range(len(audio.channels))] if len(audio.channels) > 1 else [audio]
        started = time.perf_counter()
        for channel in channels:
            transcribe(channel, engine=engine, model=model, use_cache=False)
        channels_asr_s = time.perf_counter() - started
        t0 = time.perf_counter()
        check_audio(Measures(transcript, channels=audio.channels, delivery=measure_delivery(audio, transcript)))
        t1 = time.perf_counter()
        check_transcript(transcript)
        t2 = time.perf_counter()
        with tempfile.TemporaryDirectory() as cache:
            os.environ["PITCH_ANALYZER_CACHE"] = cache
            analyze(audio, engine=engine, model=model)
        t3 = time.perf_counter()
        rows.append({"file": path.name, "duration_s": audio.duration, "asr_s": asr["transcribe_s"],
                     "channels": len(channels), "channels_asr_s": channels_asr_s,
                     "delivery_s": t1 - t0, "rules_s": t2 - t1, "analyze_s": t3 - t2})
    return {"files": rows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def summarise_pipeline(result: dict) -> dict:
    files = result["files"]
    total = {key: sum(f[key] for f in files)
             for key in ("duration_s", "asr_s", "channels_asr_s", "delivery_s", "rules_s", "analyze_s")}
    return {
        "files": len(files), "audio_s": round(total["duration_s"], 1),
        "asr_rtf": round(total["asr_s"] / total["duration_s"], 3),
        "prosody_delivery_over_asr": round(total["delivery_s"] / total["asr_s"], 4),
        "rules_over_asr": round(total["rules_s"] / total["asr_s"], 4),
        "pipeline_over_asr": round(total["analyze_s"] / total["asr_s"], 3),
        # everything after ASR as a share of the ASR analyze() needs (per channel transcribed); target <= 0.10
        "post_asr_share": round((total["analyze_s"] - total["channels_asr_s"]) / total["channels_asr_s"], 3),
        # hours of audio fully scored (analyze() end to end) per minute of wall time
        "scored_audio_h_per_min": round(total["duration_s"] / 3600 / (total["analyze_s"] / 60), 3),
        "peak_rss_mb": round(result["peak_rss_mb"]),
    }


def summarise(result: dict) -> dict:
    """One engine and model over every file."""
    files = result["files"]
    audio_s, asr_s = sum(f["duration_s"] for f in files), sum(f["transcribe_s"] for f in files)
    return {
        "engine": result["engine"], "model": result["model"], "device": result["device"],
        "load_model_s": round(result["load_model_s"], 2), "files": len(files), "audio_s": round(audio_s, 1),
        "transcribe_rtf": round(asr_s / audio_s, 3),
        "audio_h_per_min": round(audio_s / 3600 / (asr_s / 60), 3),
        "mean_wer": round(sum(f["wer"] for f in files) / len(files), 3),
        "load_audio_rtf": round(sum(f["load_s"] for f in files) / audio_s, 4),
        "peak_rss_mb": round(result["peak_rss_mb"]),
    }


def stage_table(pipeline: dict, load_audio_rtf: float) -> list[dict]:
    """Real-time factor of each stage of analyze() (faster-whisper base), from the pipeline run."""
    files = pipeline["files"]
    audio_s = sum(f["duration_s"] for f in files)
    stages = [("decode audio", None), ("transcribe (ASR)", "asr_s"), ("prosody + delivery", "delivery_s"),
              ("text rules", "rules_s"), ("analyze() end to end", "analyze_s")]
    return [{"stage": name, "rtf": round(load_audio_rtf if key is None else sum(f[key] for f in files) / audio_s, 4)}
            for name, key in stages]


def run_part(script: str, out: Path) -> dict:
    """Run bench_batch.py or bench_long.py in its own process; its JSON."""
    print(f"running {script} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(REPO / "bench" / script), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def print_table(rows: list[dict]) -> None:
    import pandas as pd

    print(pd.DataFrame(rows).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--config", help="internal: run one ENGINE:MODEL and print its JSON")
    parser.add_argument("--pipeline", action="store_true", help="internal: with --config, also time analyze()")
    args = parser.parse_args()
    if args.config:
        result = run_config(*args.config.split(":", 1), pipeline=args.pipeline)
        print(json.dumps(result))
        return
    results = []
    for index, (engine, model) in enumerate(CONFIGS):  # the first (the default) also times analyze()
        print(f"benchmarking {engine} {model} ...", file=sys.stderr, flush=True)
        out = subprocess.run([sys.executable, __file__, "--config", f"{engine}:{model}"]
                             + (["--pipeline"] if index == 0 else []), check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    pipeline = results[0].pop("pipeline")
    pipeline_summary = summarise_pipeline(pipeline)
    summary = [summarise(r) for r in results]
    stages = stage_table(pipeline, summary[0]["load_audio_rtf"])
    batch = run_part("bench_batch.py", args.out.with_name("batch.json"))
    long = run_part("bench_long.py", args.out.with_name("long.json"))
    text = run_part("bench_text.py", args.out.with_name("text.json"))
    limits = run_part("bench_limits.py", args.out.with_name("limits.json"))
    serve = run_part("bench_serve.py", args.out.with_name("serve.json"))
    machine = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "pipeline_over_asr": pipeline_summary["pipeline_over_asr"],
                                    "stages": stages, "pipeline": pipeline_summary, "asr": summary,
                                    "batch": batch["summary"], "long": long["runs"], "text": text,
                                    "limits": limits,
                                    "serve": serve,
                                    "asr_files": results,
                                    "pipeline_files": pipeline["files"]}, indent=2))
    for title, rows in [("Real-time factor per stage (faster-whisper base)", stages),
                        ("Whole pipeline", [pipeline_summary]),
                        ("Engines and models (same files)", summary),
                        ("Batch: `analyzer batch`, 1 and 2 workers", batch["summary"]),
                        ("Long recordings: `analyzer score`", long["runs"]),
                        ("Text checks: `analyzer script` (fresh process) and analyze_text (loaded)",
                         [{k: v for k, v in text.items() if k != "targets"}]),
                        ("3 hours of silence: `analyzer score` (target: under 1.5 GB)", [limits["silence"]]),
                        ("Large scripts: `analyzer script` (target: 1 MB in under 10 s)", limits["scripts"]),
                        ("A 30 s take scored by a warm `analyzer serve`, upload to card (target: under 10 s)",
                         [serve])]:
        print(f"\n{title}")
        print_table(rows)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
