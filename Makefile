# Two commands for a fresh machine: `make run` (the web chat) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)

.PHONY: setup run test test-fast ingest bench loadtest browser clean

MODEL := .data/models/multilingual-e5-small

setup: $(STAMP) $(MODEL)/conversion.json $(MODEL)-onnx/export.json

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned to the local CPU build; otherwise pip pulls GBs of CUDA wheels.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The converted model and its fp32 ONNX copy (what serving runs, without torch): one command makes both.
$(MODEL)/conversion.json $(MODEL)-onnx/export.json &: $(STAMP)
	$(BIN)/policy-assistant setup-model
	touch $(MODEL)/conversion.json $(MODEL)-onnx/export.json  # kept as they were when current: newer than the stamp now

run: setup
	$(BIN)/policy-assistant serve

ingest: setup
	$(BIN)/policy-assistant ingest

bench: setup
	$(BIN)/policy-assistant bench --regulations ../shared/corpora/cn-regulations

# 50 chat users for 60 s against a server on loopback (locust), after one user alone.
loadtest: setup
	$(BIN)/pip install --quiet -e '.[load]'
	$(BIN)/policy-assistant loadtest --users 50 --seconds 60

# Debian's Chromium for the browser test (Playwright cannot download browsers here), and the
# CJK font the screenshots and the evaluation plots draw Chinese with.
browser:
	@(test -x /usr/bin/chromium && fc-list :lang=zh | grep -qi noto) || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk)

test: setup browser
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not integration"

clean:
	rm -rf .data/index .data/test-cache
