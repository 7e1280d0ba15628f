# congquy — everything a person does has a target here. See README.md.
GO      ?= go
BIN     := bin/congquy
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build run test test-short lint fmt vet bench fuzz clean help

all: build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build bin/congquy
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/congquy

run: build ## migrate, load demo data, serve on http://localhost:8080, print demo logins
	./$(BIN) serve --migrate --demo

test: build ## run every test with the race detector on a real PostgreSQL
	./$(BIN) db exec -- $(GO) test -race -count=1 -timeout 30m ./...

test-short: build ## the tests without -race, quicker while working
	./$(BIN) db exec -- $(GO) test -count=1 ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

lint: vet ## gofmt, go vet and staticcheck must be clean
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

fuzz: ## fuzz the amount and classification parsers for a minute each
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./internal/money/
	$(GO) test -run='^$$' -fuzz=FuzzParseClassification -fuzztime=60s ./internal/budget/

bench: build ## measure congquy against the raw-SQL bound (FULL=1 for the full scale)
	$(GO) run ./cmd/congquy-bench -bin $(BIN) $(if $(FULL),-full)

clean: ## remove build output (not the private database in .data/)
	rm -rf bin
