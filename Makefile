# congquy — everything a person does has a target here. See README.md.
GO      ?= go
# The machine's Go is 1.26.8; its standard library has known vulnerabilities fixed in
# later patch releases (html/template among them, which renders every page). The go
# command fetches this patch release from the module proxy once (about 76 MB).
export GOTOOLCHAIN := go1.26.11
BIN     := bin/congquy
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build run test test-short lint fmt vet bench fuzz clean help vuln gosec audit-static

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

FUZZTIME ?= 60s
fuzz: ## fuzz every parser, FUZZTIME each (default 60s); see docs/testing.md
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./internal/money/
	$(GO) test -run='^$$' -fuzz='^FuzzParseClassification$$' -fuzztime=$(FUZZTIME) ./internal/budget/
	$(GO) test -run='^$$' -fuzz='^FuzzParseDate$$' -fuzztime=$(FUZZTIME) ./internal/ledger/
	$(GO) test -run='^$$' -fuzz='^FuzzParseMonth$$' -fuzztime=$(FUZZTIME) ./internal/ledger/
	$(GO) test -run='^$$' -fuzz='^FuzzAccountCode$$' -fuzztime=$(FUZZTIME) ./internal/ledger/
	$(GO) test -run='^$$' -fuzz='^FuzzUnitValidate$$' -fuzztime=$(FUZZTIME) ./internal/org/
	$(GO) test -run='^$$' -fuzz='^FuzzPageParam$$' -fuzztime=$(FUZZTIME) ./internal/web/
	./$(BIN) db exec -- $(GO) test -run='^$$' -fuzz='^FuzzFilters$$' -fuzztime=$(FUZZTIME) ./internal/web/
	$(GO) test -run='^$$' -fuzz='^FuzzTextCell$$' -fuzztime=$(FUZZTIME) ./internal/export/
	$(GO) test -run='^$$' -fuzz='^FuzzRead$$' -fuzztime=$(FUZZTIME) ./internal/importguard/

# Static security checks (TESTING.md row 27). They need the module proxy the first time
# (tools and the vulnerability database module), so they are not part of `make lint`.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
GOVULNCHECK    := golang.org/x/vuln/cmd/govulncheck@v1.9.0
GOSEC          := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
VULNDB_DIR     := .data/vulndb-$(VULNDB_VERSION)

$(VULNDB_DIR)/index/db.json:
	@mod=$$(cd / && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$$/\1/p'); \
	echo "building the offline vulnerability database from $$mod"; \
	$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns $$mod/data/osv -out $(VULNDB_DIR)

vuln: $(VULNDB_DIR)/index/db.json ## govulncheck against the offline database; fails on a finding not in docs/vuln-accepted.txt
	@out=$$($(GO) run $(GOVULNCHECK) -db file://$(abspath $(VULNDB_DIR)) ./... 2>&1); echo "$$out"; \
	found=$$(echo "$$out" | sed -n 's/^Vulnerability #[0-9]*: \(GO-[0-9-]*\).*/\1/p'); \
	new=$$(for id in $$found; do grep -q "^$$id " docs/vuln-accepted.txt || echo $$id; done); \
	if [ -n "$$new" ]; then echo "vuln: not accepted: $$new"; exit 1; fi; echo "vuln: no finding outside docs/vuln-accepted.txt"

gosec: ## gosec over the whole module; exclusions are inline (#nosec with a reason)
	$(GO) run $(GOSEC) -quiet -exclude-generated ./...

audit-static: lint vuln gosec ## lint, govulncheck and gosec together

bench: build ## measure congquy against the raw-SQL bound (FULL=1 for the full scale)
	$(GO) run ./cmd/congquy-bench -bin $(BIN) $(if $(FULL),-full)

clean: ## remove build output (not the private database in .data/)
	rm -rf bin
