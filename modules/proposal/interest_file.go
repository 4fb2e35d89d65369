package proposal

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/file"
)

// interestFiles are the attachments of expressions of interest (the file
// module's target for their content type).
type interestFiles struct{ m *Module }

// ContentTypes offers the expressions of interest's attachments beside
// the proposals' (see interestFiles).
func (m *Module) ContentTypes() []any { return []any{interestFiles{m}} }

// ContentType names the expressions of interest in attachment routes.
func (interestFiles) ContentType() string { return InterestType }

// FileTarget is expression of interest id when uid may read it; its
// author attaches files until it is evaluated.
func (f interestFiles) FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (file.Item, error) {
	i, err := getInterest(ctx, tx, readerOf(ctx, uid), id)
	if err != nil {
		return file.Item{}, err
	}
	return file.Item{URL: i.URL(), Upload: i.AuthorID == uid && i.Editable()}, nil
}
