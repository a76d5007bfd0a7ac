# Two commands on a fresh Debian machine with python3 and make:
#   make serve   set up, build the edition and open the live preview
#   make test    set up and run the whole test suite
# While working: make test-fast (the unit and build tests, two workers, fewer
# Hypothesis examples: CONTRIBUTING.md, "Tests").
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve build test test-fast system-deps build-deps setup clean bench axe

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# Debian packages the tests drive: Chromium and CJK fonts for browser tests,
# poppler for PDF checks, nginx as the real static host. Skipped when present.
system-deps:
	@command -v chromium >/dev/null && command -v nginx >/dev/null && command -v pdffonts >/dev/null \
	  && fc-list ':family=Noto Serif CJK SC' | grep -q . && fc-list ':family=Noto Sans CJK SC' | grep -q . \
	  && command -v rsync >/dev/null \
	  || { export DEBIAN_FRONTEND=noninteractive; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q --no-install-recommends \
	         chromium fonts-noto-cjk poppler-utils nginx rsync \
	         libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig; }
	@# npm fetches axe-core; only installed when the machine has no Node.js of its own.
	@command -v npm >/dev/null || { $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q --no-install-recommends npm; }

# What the build itself needs of Debian: the Noto CJK faces share cards and posters
# are set in (docs/share.md), found through fontconfig. Skipped when present.
build-deps:
	@fc-list ':family=Noto Serif CJK SC' 2>/dev/null | grep -q . && fc-list ':family=Noto Sans CJK SC' | grep -q . \
	  || { export DEBIAN_FRONTEND=noninteractive; \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	       $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q --no-install-recommends \
	         fonts-noto-cjk fontconfig; }

build: setup build-deps
	$(PY) build.py build

serve: setup build-deps
	$(PY) build.py serve --port $(PORT)

# axe-core for the accessibility checks of the browser tests (tests/system/test_browser.py),
# pinned, installed once into the ignored .cache folder.
AXE_VERSION := 4.14.1
AXE := .cache/node/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --no-audit --no-fund --no-save --prefix .cache/node axe-core@$(AXE_VERSION)

axe: $(AXE)

test: setup system-deps $(AXE)
	$(PY) -m pytest -q

# tests/unit and tests/build only (no browser, nginx or S3 server is started),
# on two workers that take the next test as each finishes (xdist's worksteal).
# Their ~14,000 temporary files go to a fresh folder in memory (/dev/shm, when
# the machine has one), removed at the end: on a disk, deleting the last run's
# files (pytest does it at the start of the next) costs 10-15 s.
TEST_TMP := $(firstword $(wildcard /dev/shm) /tmp)
test-fast: setup system-deps
	@tmp=$$(mktemp -d $(TEST_TMP)/feature-test-fast.XXXXXX) && \
	FEATURE_TESTS_FAST=1 $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist worksteal --basetemp $$tmp tests/unit tests/build; \
	status=$$?; rm -rf $$tmp; exit $$status

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf dist .cache
