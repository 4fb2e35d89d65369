package content

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// The item types of the collectors that take a content type's items: a
// community's page, comments, attachments. Their modules define them; the
// kit fills them through these shapes.
type (
	card interface {
		~struct {
			Type, Title, URL, Summary, State string
			At                               time.Time
		}
	}
	commented interface {
		~struct {
			Title, URL     string
			Open, Moderate bool
		}
	}
	attached interface {
		~struct {
			URL    string
			Upload bool
		}
	}
)

// source is a kit, for Sources.
type source interface {
	Cards(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]Card, error)
	Target(ctx context.Context, tx bun.IDB, id, uid int64) (Target, error)
	Moderated(ctx context.Context, tx bun.IDB, uid int64, ids []int64) (map[int64]Target, error)
}

// Sources offers a kit's items to the collectors in their own types (C a
// community's item, M a comment target, F an attachment target): a module
// embeds it beside its kit.
type Sources[C card, M commented, F attached] struct{ kit source }

// SourcesOf returns the Sources of kit k.
func SourcesOf[C card, M commented, F attached](k source) Sources[C, M, F] {
	return Sources[C, M, F]{kit: k}
}

// CommunityItems lists a community's items as uid (0 for a guest) may
// see them, for its page.
func (s Sources[C, M, F]) CommunityItems(ctx context.Context, tx bun.IDB, id, uid int64, limit int) ([]C, error) {
	cards, err := s.kit.Cards(ctx, tx, id, uid, limit)
	out := make([]C, 0, len(cards))
	for _, c := range cards {
		out = append(out, C(c))
	}
	return out, err
}

// CommentTarget is an item for comments: seen by uid, open as its type
// says, moderated by those who validate it.
func (s Sources[C, M, F]) CommentTarget(ctx context.Context, tx bun.IDB, id, uid int64) (M, error) {
	t, err := s.kit.Target(ctx, tx, id, uid)
	return M(struct {
		Title, URL     string
		Open, Moderate bool
	}{t.Title, t.URL, t.Open, t.Moderate}), err
}

// CommentModerated is, by id, the items among ids that uid may see and
// moderates the comments of, in one query (for the comments' inbox; Open
// is not read there and stays false).
func (s Sources[C, M, F]) CommentModerated(ctx context.Context, tx bun.IDB, uid int64, ids []int64) (map[int64]M, error) {
	ts, err := s.kit.Moderated(ctx, tx, uid, ids)
	out := make(map[int64]M, len(ts))
	for id, t := range ts {
		out[id] = M(struct {
			Title, URL     string
			Open, Moderate bool
		}{t.Title, t.URL, t.Open, t.Moderate})
	}
	return out, err
}

// FileTarget is an item for attachments: seen by uid, who may attach files
// when they may edit it.
func (s Sources[C, M, F]) FileTarget(ctx context.Context, tx bun.IDB, id, uid int64) (F, error) {
	t, err := s.kit.Target(ctx, tx, id, uid)
	return F(struct {
		URL    string
		Upload bool
	}{t.URL, t.Upload}), err
}
