package document

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/modules/organization"
	"github.com/piazza-pa/piazza/platform/attachment"
	"github.com/piazza-pa/piazza/platform/auth"
	"github.com/piazza-pa/piazza/platform/content"
	"github.com/piazza-pa/piazza/platform/form"
	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/scope"
	"github.com/piazza-pa/piazza/platform/taxonomy"
)

// fromForm reads a document and its file from the form and checks what
// needs no database: a name of 1 to 200 characters (a file's own name
// when none is given), a description of at most 2,000, a supported
// language, for the tenant library a scope that names someone, and a
// file no larger than attachment.MaxSize.
func fromForm(c *fiber.Ctx) (*Document, form.Errors, Upload) {
	errs := form.Errors{}
	d := &Document{Kind: c.FormValue("kind"), Link: strings.TrimSpace(c.FormValue("link"))}
	d.Title, d.Language = strings.Join(strings.Fields(c.FormValue("title")), " "), c.FormValue("language")
	d.Body = strings.TrimSpace(strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n"))
	if d.Themes = taxonomy.KnownThemes(form.Values(c, "themes")); d.Themes == nil {
		d.Themes = []string{}
	}
	d.Tags = form.IDs(form.Values(c, "tags"))
	if id := idOf(c.FormValue("folder")); id != 0 {
		d.FolderID = &id
	}
	if id := idOf(c.FormValue("community")); id != 0 {
		d.CommunityID = &id
	}
	var up Upload
	if fh, err := c.FormFile("file"); err == nil && d.Kind == File {
		up.File = fh
		if d.Title == "" {
			d.Title = attachment.CleanName(fh.Filename)
		}
		if fh.Size > attachment.MaxSize {
			errs.Add("file", "attachment.error.size")
		}
	}
	if n := len([]rune(d.Title)); n < 1 || n > 200 {
		errs.Add("title", "document.error.title")
	}
	if len([]rune(d.Body)) > 2000 {
		errs.Add("body", "document.error.body")
	}
	if !slices.Contains(i18n.Supported, d.Language) {
		errs.Add("language", "document.error.language")
	}
	d.Scope = scope.FromForm(c)
	if d.CommunityID == nil {
		d.Scope.Check(errs)
		d.Scope.Lists()
	}
	return d, errs, up
}

// checkKind refuses, for d of its kind, what it lacks: a file for a new
// file, an address of the web (http or https, at most 2,000 characters)
// for a link.
func checkKind(d *Document, fresh bool, up Upload, errs form.Errors) {
	switch d.Kind {
	case File:
		d.Link = ""
		if fresh && up.File == nil {
			errs.Add("file", "attachment.error.empty")
		}
	case Link:
		if !webAddress(d.Link) {
			errs.Add("link", "document.error.link")
		}
	default:
		errs.Add("kind", "document.error.kind")
	}
}

// webAddress says whether s is an absolute http or https address with a
// host, no longer than 2,000 characters, without spaces or control
// characters (so that it is shown and followed as it was typed).
func webAddress(s string) bool {
	if s == "" || len([]rune(s)) > 2000 || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// formChoices are what the document form offers: the library's folders,
// the tenant's tags and, for the tenant library, the scope field's
// choices (the member's communities and organisations, guests).
type formChoices struct {
	content.ScopeChoices
	Library *Library
	Folders []Crumb
	Tags    []taxonomy.Tag
}

// Choices reads what the form of d offers the member of ctx, who may add
// to its library (a new document) or change d.
func (m *Module) Choices(ctx context.Context, d *Document) (v formChoices, err error) {
	uid := auth.UserFromContext(ctx).ID
	err = m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if v.Library, err = openLibrary(ctx, tx, d.Library(), uid); err != nil {
			return err
		}
		act := actAdd
		if d.ID != 0 {
			act = actChange
		}
		if err := require(ctx, tx, v.Library, uid, act, d.Author()); err != nil {
			return err
		}
		if v.Folders, err = allFolders(ctx, tx, v.Library.CommunityID); err != nil {
			return err
		}
		if v.Tags, err = taxonomy.Tags(ctx, tx); err != nil {
			return err
		}
		if v.Library.CommunityID != 0 {
			return nil
		}
		v.ScopeChoices = content.ScopeChoices{Public: true, Tags: v.Tags}
		if v.Communities, err = community.Joined(ctx, tx, uid); err != nil {
			return err
		}
		v.Organizations, err = organization.Linked(ctx, tx, uid)
		return err
	})
	return v, err
}

// Editable returns document id when the member of ctx may change it.
func (m *Module) Editable(ctx context.Context, id int64) (d *Document, err error) {
	uid := auth.UserFromContext(ctx).ID
	err = m.kit.Kit.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d, _, err = m.acting(ctx, tx, id, uid)
		return err
	})
	return d, err
}
