# Skill(X) — every target calls what it needs, so `make run` and `make test` work on a fresh clone.
# Variables: WORKDIR (where data/, models/, reports/ live), PRESET and INPUT (the ingest source),
# ROWS and SRC (bench-data), BENCH (benchmark regexp), COUNT (benchmark repetitions).

SHELL       := /bin/bash
GO          ?= go
BIN         := bin/skillx
VERSION     := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X main.version=$(VERSION)
WORKDIR     ?= .
PRESET      ?= kaggle
INPUT       ?= data/sample/job_postings.csv
USERS       ?= data/sample/users.csv
ROWS        ?= 1600000
SRC         ?= data/sample/job_postings.csv
BENCH_DIR   ?= bench/out
BENCH       ?= .
COUNT       ?= 5
ORT_STAMP   := .cache/ort-path
SHARED      ?= ../shared
# GOTAGS go to every go command (through GOFLAGS, so that build, vet and test share one build
# cache). arrow_json_stdlib makes Arrow use encoding/json instead of github.com/goccy/go-json:
# the pipeline reads no JSON through Arrow, and goccy's code generator packages were 11% of a
# cold build's compile time.
GOTAGS      ?= arrow_json_stdlib
export GOFLAGS := $(strip $(GOFLAGS) $(if $(GOTAGS),-tags=$(GOTAGS)))

.PHONY: all setup build run ingest clean-stage features train evaluate recommend reliability test test-short bench bench-data bench-ingest \
        doctor models fmt vet clean help

all: build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

setup: ## fetch Go modules and the ONNX Runtime library (npm onnxruntime-node@1.24.1, sha256-checked)
	$(GO) mod download
	@mkdir -p $(dir $(ORT_STAMP))
	scripts/setup-ort.sh > $(ORT_STAMP).tmp && mv $(ORT_STAMP).tmp $(ORT_STAMP)

# FIRST_BUILD is printed before a build when bin/skillx does not exist yet: a cold Go cache
# compiles about 660 packages, which takes minutes and prints nothing meanwhile.
FIRST_BUILD := building $(BIN) (the first build takes a few minutes: about 660 Go packages to compile, 4-5 min measured on a shared 2-core machine; later builds take seconds)

build: ## build bin/skillx
	@[ -x $(BIN) ] || echo "$(FIRST_BUILD)"
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/skillx

ORT_ENV = SKILLX_ORT_LIB="$$(cat $(ORT_STAMP))"

run: setup build ## run every stage on the sample data, recommend included (WORKDIR, PRESET, INPUT, USERS to change)
	$(ORT_ENV) $(BIN) run --workdir $(WORKDIR) --preset $(PRESET) --input $(INPUT) --users $(USERS)

ingest: build ## ingest INPUT with PRESET into WORKDIR/data/raw
	$(BIN) ingest --workdir $(WORKDIR) --preset $(PRESET) --input $(INPUT)

clean-stage: build ## clean WORKDIR/data/raw into WORKDIR/data/clean
	$(BIN) clean --workdir $(WORKDIR)

features: build ## embed the texts of WORKDIR/data/clean
	$(ORT_ENV) $(BIN) features --workdir $(WORKDIR)

train: build ## train the classifier on WORKDIR/data/features
	$(BIN) train --workdir $(WORKDIR)

evaluate: build ## evaluate WORKDIR/models/classifier.onnx
	$(ORT_ENV) $(BIN) evaluate --workdir $(WORKDIR)

recommend: build ## write a report per person of USERS (Gemini with GEMINI_API_KEY, else the offline analyst)
	$(ORT_ENV) $(BIN) recommend --workdir $(WORKDIR) --users $(USERS)

doctor: setup build ## check the ONNX Runtime library, model files, API key and disk
	$(ORT_ENV) $(BIN) doctor --workdir $(WORKDIR)

test: setup ## run all tests (vet included)
	@[ -x $(BIN) ] || echo "compiling and testing every package (the first run takes several minutes with a cold Go cache)"
	$(GO) vet ./...
	$(ORT_ENV) $(GO) test -count=1 ./...

test-short: setup ## run the fast tests only
	$(ORT_ENV) $(GO) test -short -count=1 ./...

bench: setup ## run the Go benchmarks (BENCH regexp, COUNT repetitions); medians with benchstat
	@mkdir -p $(BENCH_DIR)
	$(ORT_ENV) $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) ./... | tee $(BENCH_DIR)/bench.txt

reliability: setup ## the whole reliability suite: kills, faults, bad inputs (long soak; CI runs the default-length one in make test)
	SKILLX_RELIABILITY_LONG=1 $(ORT_ENV) $(GO) test -count=1 -v -run . ./reliability/ | grep -E '^(---|===|ok|FAIL|reliability:)|KNOWN'

bench-data: build ## generate a Kaggle-shaped CSV of ROWS rows from SRC into bench/out
	@mkdir -p $(BENCH_DIR)
	$(BIN) bench-data --rows $(ROWS) --source $(SRC) --output $(BENCH_DIR)/kaggle-$(ROWS).csv

# BENCH_CSV is the file bench-ingest reads; it is made (like bench-data) only when missing.
BENCH_CSV   ?= $(BENCH_DIR)/kaggle-$(ROWS).csv

bench-ingest: build ## ingest+clean of BENCH_CSV beside DuckDB, Polars and pandas (npm/apt; skipped when missing): medians of REPEAT alternated rounds, ratios, sizes, per-core throughput
	@mkdir -p $(BENCH_DIR)
	@[ -f $(BENCH_CSV) ] || $(BIN) bench-data --rows $(ROWS) --source $(SRC) --output $(BENCH_CSV)
	scripts/bench-ingest.sh $(BIN) $(BENCH_CSV) $(BENCH_DIR)/work-$(ROWS)

models: ## download all-MiniLM-L6-v2 into WORKDIR/models, sha256-pinned (needs network; without it skillx uses its offline fallback encoder)
	scripts/fetch-minilm.sh $(WORKDIR)/models/all-MiniLM-L6-v2

fmt: ## gofmt the tree
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

# PIPELINE_OUTPUTS is everything the stages write under WORKDIR; make clean keeps data/sample,
# the downloaded models/all-MiniLM-L6-v2 and the Gemini answer cache (.cache/gemini: paid calls).
PIPELINE_OUTPUTS = $(WORKDIR)/data/raw $(WORKDIR)/data/clean $(WORKDIR)/data/features $(WORKDIR)/reports \
	$(WORKDIR)/models/classifier.onnx $(WORKDIR)/models/classifier.json $(WORKDIR)/models/roles.index \
	$(WORKDIR)/models/eval $(wildcard $(WORKDIR)/models/*.manifest.json)

clean: ## remove bin/ and every pipeline output under WORKDIR (keeps data/sample, the MiniLM download, the Gemini cache)
	rm -rf bin
	@echo "removing the pipeline outputs under $(WORKDIR)"
	@if [ -d $(WORKDIR) ] && command -v flock >/dev/null; then \
	  flock -n -E 75 $(WORKDIR)/.skillx.lock rm -rf $(PIPELINE_OUTPUTS); rc=$$?; \
	  [ $$rc != 75 ] || echo "make clean: $(WORKDIR) is in use by a skillx process: $$(cat $(WORKDIR)/.skillx.lock); nothing removed" >&2; \
	  exit $$rc; \
	else rm -rf $(PIPELINE_OUTPUTS); fi
