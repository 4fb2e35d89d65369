# The two commands of the README: `make dev` runs Piazza, `make test` runs the
# tests. Both install what they need first (.ci/setup).

GO ?= go

.PHONY: dev test build bench vet gallery

dev:
	./.ci/setup
	$(GO) run ./cmd/piazza dev

test:
	./.ci/setup test
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 25m ./...

build:
	$(GO) build -trimpath -o piazza ./cmd/piazza

bench:
	./.ci/setup
	$(GO) test ./tenant -run '^$$' -bench Provision -benchtime 200x
	$(GO) test ./cmd/piazza -run '^$$' -bench AtScale -benchtime 5x -timeout 60m

# Screenshots of every page at 390 and 1280 px into docs/gallery (the tour
# test, which checks every page in both languages, keeps them).
gallery:
	./.ci/setup test
	rm -f docs/gallery/*.jpg
	PIAZZA_GALLERY=$(CURDIR)/docs/gallery $(GO) test -count=1 -run '^TestTour$$' ./modules/tour
