# The two commands of the README: `make dev` runs Piazza, `make test` runs the
# tests. Both install what they need first (.ci/setup).

GO ?= go

.PHONY: dev test build bench vet

dev:
	./.ci/setup
	$(GO) run ./cmd/piazza dev

test:
	./.ci/setup test
	$(GO) vet ./...
	$(GO) test -count=1 ./...

build:
	$(GO) build -trimpath -o piazza ./cmd/piazza

bench:
	./.ci/setup
	$(GO) test ./tenant -run '^$$' -bench Provision -benchtime 200x
	$(GO) test ./cmd/piazza -run '^$$' -bench AtScale -benchtime 5x -timeout 60m
