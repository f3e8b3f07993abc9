# RHN: the two commands are `make demo` and `make test` (see README.md).
# Both work on a fresh machine from a clean clone: they install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# pnpm is pinned and run through npx, so no global install is needed (pnpm 11 needs Node >= 22.13).
PNPM_VERSION := 10.34.0
PNPM := npx --yes pnpm@$(PNPM_VERSION)
# better-sqlite3 compiles from source here; node-gyp must use the local Node headers (STACK.md).
export npm_config_nodedir ?= /usr

.PHONY: help install system-deps build typecheck lint unit test demo bench soak clean

help:
	@echo "make demo   install, build and run the system on embedded defaults"
	@echo "make test   install (incl. Debian packages), type-check, lint and run every test"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make soak   run the fault scenarios at full length (30 s outages)"

install: node_modules/.modules.yaml
node_modules/.modules.yaml: pnpm-lock.yaml package.json */package.json
	$(PNPM) install --frozen-lockfile
	@touch $@

system-deps:
	@bash scripts/system-deps.sh

build: install
	$(PNPM) run build

typecheck: install
	$(PNPM) run typecheck

lint: install
	$(PNPM) run lint

test: install system-deps typecheck lint build
	@mkdir -p .rhn
	@status=0; $(PNPM) exec vitest run --reporter=default --reporter=json --outputFile.json=.rhn/vitest.json || status=$$?; \
	  node scripts/test-summary.mjs .rhn/vitest.json; exit $$status

demo: install build
	@bash scripts/demo.sh

bench: install system-deps build
	@bash scripts/bench.sh

clean:
	rm -rf node_modules */node_modules */dist

# The fault scenarios at the length the issues name (30 s broker and InfluxDB outages); `make test`
# runs the same tests with shorter outages that prove the same thing.
soak: install system-deps build
	RHN_SOAK=1 $(PNPM) exec vitest run test/e2e aggregator/test/store-influxdb.test.ts aggregator/test/aggregator-faults.test.ts
