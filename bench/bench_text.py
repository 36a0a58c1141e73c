"""Speed of the text checks: `analyzer script` in a fresh process, and per script through the API.

The script timed is the development-set pitch (tests/data/pitches) whose length is closest to
100 words. Targets (issue 13): ≤ 1.5 s for the fresh process, ≤ 30 ms per script once loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RUNS = 5  # fresh processes timed; the median is reported


def main() -> None:
    from analyzer.scoring.fit import load_pitches

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "text.json")
    args = parser.parse_args()
    pitches = load_pitches()
    script = min(pitches, key=lambda p: abs(len(p.text.split()) - 100))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(script.text)
    cli = [sys.executable, "-m", "analyzer", "script", handle.name, "--format", "json"]
    subprocess.run(cli, capture_output=True, cwd=REPO)  # warm the file system cache, not timed
    fresh = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cli, capture_output=True, cwd=REPO)
        fresh.append(time.perf_counter() - start)
    Path(handle.name).unlink()

    from analyzer.pipeline import analyze_text

    analyze_text(pitches[0].text)  # load models and tables once
    start, cpu = time.perf_counter(), time.process_time()
    for pitch in pitches:
        analyze_text(pitch.text)
    per_script_ms = 1000 * (time.perf_counter() - start) / len(pitches)
    # CPU time too: on a shared machine the wall time also counts other processes' turns
    cpu_ms = 1000 * (time.process_time() - cpu) / len(pitches)
    result = {"script_words": len(script.text.split()), "fresh_process_s": round(statistics.median(fresh), 3),
              "fresh_process_runs_s": [round(t, 3) for t in fresh], "api_ms_per_script": round(per_script_ms, 1),
              "api_cpu_ms_per_script": round(cpu_ms, 1), "api_scripts": len(pitches),
              "targets": {"fresh_process_s": 1.5, "api_ms_per_script": 30}}
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
