# make demo: set up .venv and system pieces, check the example data and build its site into output/,
#   then the city example (examples/city: the example county from its export and two more
#   offices) into examples/city/output/
# make test: the same set-up, then lint, type checks and the whole test suite
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3
# The day the example data was made for (CUTOFF in scripts/make_example.py): the demo is the
# same on any date.
DEMO_TODAY := $(shell sed -n 's/^CUTOFF = date(\([0-9]*\), \([0-9]*\), \([0-9]*\)).*/\1 \2 \3/p' scripts/make_example.py | xargs printf '%04d-%02d-%02d')

.PHONY: setup system-deps demo test lint bench example clean

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

system-deps:
	@sh scripts/system-deps.sh

demo: setup
	$(BIN)/xfgen --today $(DEMO_TODAY) check
	$(BIN)/xfgen schema --write
	$(BIN)/xfgen --today $(DEMO_TODAY) build
	$(BIN)/xfgen --today $(DEMO_TODAY) export --format parquet --out examples/city/exports/pingan
	cd examples/city && ../../$(BIN)/xfgen --today $(DEMO_TODAY) check
	cd examples/city && ../../$(BIN)/xfgen --today $(DEMO_TODAY) build

lint: $(STAMP)
	$(BIN)/ruff check xfgen tests scripts benchmarks
	$(BIN)/ruff format --check xfgen tests scripts benchmarks
	$(BIN)/mypy xfgen

test: setup lint
	$(BIN)/pytest -q -n 2

# make bench: the speed and memory targets of issue #12 (BIG=1 adds a year's build of 100,000 cases);
# headless Chromium (the PDF reference) is installed for the benchmark only.
bench: setup
	@sh benchmarks/chromium.sh
	$(BIN)/python -m benchmarks.bench $(if $(BIG),--big)

example: $(STAMP)
	$(BIN)/python scripts/make_example.py
	$(BIN)/python scripts/make_example.py --city

clean:
	rm -rf $(VENV) output/* .pytest_cache .mypy_cache .ruff_cache
	rm -rf examples/city/exports examples/city/output examples/city/.xfgen-cache
