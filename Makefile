# One command sets up and runs each job; every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := espeak-ng sox libsox-fmt-all chromium
SAMPLES := $(wildcard samples/*.wav)

.PHONY: setup system demo test bench eval samples clean

setup: system $(STAMP)

# Debian packages: espeak-ng and sox synthesise the samples and test audio; chromium renders the
# HTML report in the tests.
system:
	@if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null || ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else echo "please install: $(APT_PACKAGES) (Debian/Ubuntu: sudo apt-get install $(APT_PACKAGES))"; exit 1; fi; \
	fi

# PyTorch first, pinned (an unpinned torch pulls a multi-GB CUDA build); openai-whisper without
# its dependencies so that triton (CUDA only) stays out of the CPU install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q --no-deps openai-whisper==20250625
	$(BIN)/python -m pip install -q -e ".[openai-cpu,dask,dev]"
	touch $(STAMP)

# The main job on the bundled samples: what was heard, then each scorecard.
demo: setup
	$(BIN)/analyzer transcribe $(SAMPLES)
	$(BIN)/analyzer score $(SAMPLES)

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Speed, accuracy and memory per stage and engine, batch throughput with 1 and 2 workers, and
# 5/20/60-minute recordings; everything lands in bench/results.json.
bench: setup
	$(BIN)/python bench/bench.py --out bench/results.json

eval: setup
	$(BIN)/python -m analyzer.rules.evaluate tests/data/scripts

samples: setup
	bash samples/make_samples.sh

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
