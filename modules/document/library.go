package document

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/community"
	"github.com/piazza-pa/piazza/platform/authz"
)

// Library is where documents and folders live: a community's (its members
// see it) or the tenant's (everyone sees its folders; each document's
// scope says who sees it).
type Library struct {
	// CommunityID is 0 for the tenant library; Name and Kind are the
	// community's.
	CommunityID int64
	Name, Kind  string
}

// Path is the address of the library's root.
func (l *Library) Path() string {
	if l.CommunityID == 0 {
		return "/documents"
	}
	return communityPath(l.CommunityID)
}

// Community is the library's community id, nil for the tenant library
// (as the tables hold it).
func (l *Library) Community() *int64 {
	if l.CommunityID == 0 {
		return nil
	}
	id := l.CommunityID
	return &id
}

// openLibrary is the library of community cid (0: the tenant library) as
// uid (0 for a guest) may see it: a community's library only to its
// active members, else ErrNotFound — a closed community's library is as
// invisible as the community itself.
func openLibrary(ctx context.Context, tx bun.IDB, cid, uid int64) (*Library, error) {
	if cid == 0 {
		return &Library{}, nil
	}
	if uid == 0 {
		return nil, ErrNotFound
	}
	c, err := community.Get(ctx, tx, community.Viewer{UserID: uid}, cid)
	if err != nil || c.MyState != community.Active {
		return nil, ErrNotFound
	}
	return &Library{CommunityID: c.ID, Name: c.Name, Kind: c.Kind}, nil
}

// What a member does in a library, for allowed.
const (
	// actAdd: add folders and documents.
	actAdd = "add"
	// actChange: edit, move, version, restore or remove a folder or a
	// document made by its owner.
	actChange = "change"
)

// allowed is the one decision of who does what in a library, for the
// member uid who sees it (openLibrary): in the tenant library the tenant's
// admins do everything; in a community's, those whose role creates content
// (managers, editors, authors, participants) add, and change what they
// made themselves while they still may add; its managers and the tenant's
// admins change anyone's.
func allowed(ctx context.Context, tx bun.IDB, lib *Library, uid int64, act string, owner int64) (bool, error) {
	if uid == 0 {
		return false, nil
	}
	if lib.CommunityID == 0 {
		return authz.Can(ctx, "admin/documents", "manage"), nil
	}
	rctx, err := community.WithRoles(ctx, tx, uid, lib.CommunityID)
	if err != nil {
		return false, err
	}
	obj := community.Object(lib.CommunityID) + "content/" + ContentType
	add := authz.Can(rctx, obj, "create")
	switch act {
	case actAdd:
		return add, nil
	case actChange:
		return authz.Can(rctx, obj, "manage") || (add && owner == uid), nil
	}
	return false, nil
}

// require is allowed as an error: authz.ErrForbidden when uid may not.
func require(ctx context.Context, tx bun.IDB, lib *Library, uid int64, act string, owner int64) error {
	ok, err := allowed(ctx, tx, lib, uid, act, owner)
	if err == nil && !ok {
		err = authz.ErrForbidden
	}
	return err
}
