# Portico: `make run` builds the demo portal; `make test` runs every test. See README.md.
SWIFT ?= swift
PORTICO := .build/debug/portico
PYTHON ?= python3

.PHONY: run demo build deps deps-test test test-swift test-js test-python test-fuzz fuzz bench screenshots clean golden

run: deps build
	@if [ -z "$$PORTICO_SECRET" ] && [ ! -f .portico/secret ]; then $(PORTICO) init; fi
	$(PORTICO) build --content content --out site
	@echo
	@echo "Magic links, one per active demo viewer (make demo serves them on 127.0.0.1:8099, with the console):"
	@$(PORTICO) token list --links --content content

# The demo site, the endpoints and the console on one local port, with links that work as printed.
demo: run
	PORTICO=$(PORTICO) scripts/demo.sh

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

build:
	$(SWIFT) build --product portico

test: deps deps-test
	$(SWIFT) build --build-tests
	$(MAKE) test-swift test-js test-python test-fuzz

# The Swift tests make their scratch folders under TMPDIR: each run gets its own, removed afterwards.
test-swift:
	scratch=$$(mktemp -d -t portico-swift-tests.XXXXXX) && TMPDIR=$$scratch $(SWIFT) test --skip-build; \
	status=$$?; rm -rf "$$scratch"; exit $$status

# The gate's tests run on the source (gate.js) and on what pages carry (gate.min.js, checked to be made from it).
test-js:
	$(PYTHON) tests/tools/make_gate_vectors.py --check
	scripts/minify-gate.sh --check
	node --test tests/js/
	GATE_JS=Sources/PorticoGate/Resources/gate.min.js node --test tests/js/

# With PORTICO_TEST_POSTGRES_URL set (.ci/run starts a cluster), the server suite runs a second time on PostgreSQL.
test-python:
	PORTICO_BIN=$(abspath $(PORTICO)) $(PYTHON) -m pytest tests -q -p no:cacheprovider
	@if [ -n "$$PORTICO_TEST_POSTGRES_URL" ]; then \
	  echo "tests/feedback again, on PostgreSQL"; \
	  PORTICO_TEST_DB=postgres PORTICO_BIN=$(abspath $(PORTICO)) $(PYTHON) -m pytest tests/feedback -q -p no:cacheprovider; \
	else echo "PORTICO_TEST_POSTGRES_URL is not set: the server suite ran on SQLite only (.ci/run starts PostgreSQL)"; fi

# The libFuzzer harness over front matter, the Markdown renderer and its post-passes (see scripts/fuzz.sh):
# 30 s in `make test`, ten minutes in `make fuzz` (FUZZ_SECONDS sets another length).
test-fuzz:
	scripts/fuzz.sh 30

fuzz:
	scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)

# Regenerate the golden site on purpose after a deliberate change; review the diff before committing.
golden:
	PORTICO_UPDATE_GOLDEN=1 $(SWIFT) test --filter GoldenSiteTests

screenshots: deps deps-test build
	PORTICO_BIN=$(abspath $(PORTICO)) $(PYTHON) tests/tools/screenshots.py

# The bench builds its own release binary in .build-release (apart from the debug .build); see bench/README.md.
bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release --product portico --build-path .build-release
	PORTICO_BIN=$(abspath .build-release/release/portico) $(PYTHON) bench/run.py --preview-trials 20 $(BENCH_ARGS)
	PORTICO_BIN=$(abspath .build-release/release/portico) $(PYTHON) bench/console_bench.py --results bench/RESULTS.md
	PORTICO_BIN=$(abspath .build-release/release/portico) $(PYTHON) bench/first_open.py --results bench/RESULTS.md
	PORTICO_BIN=$(abspath .build-release/release/portico) $(PYTHON) bench/ingest_bench.py --seconds 12 --slices 4 --wrk-check --results bench/RESULTS.md

clean:
	rm -rf .build site/*
