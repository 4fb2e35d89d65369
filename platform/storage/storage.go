// Package storage keeps uploaded files' bytes, per tenant. Disk is the
// implementation for one server or a shared volume; S3 keeps them in an
// S3-compatible bucket, for replicas without a shared volume. Both accept
// the same names: a tenant and a key are lower-case letters, digits,
// hyphens and underscores, so neither can name a path outside its tenant.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Store keeps files under (tenant, key).
type Store interface {
	Put(ctx context.Context, tenant, key string, r io.Reader) error
	Open(ctx context.Context, tenant, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, tenant, key string) error
}

// ErrNotFound is a file that is not there.
var ErrNotFound = errors.New("storage: no such file")

// ErrBadName is a tenant or key that is not a safe name.
var ErrBadName = errors.New("storage: bad name")

// Disk keeps files under Dir/<tenant>/<key>.
type Disk struct{ Dir string }

var safe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// checkName refuses a tenant or key that could leave its folder (or
// prefix) or is not one Piazza makes.
func checkName(tenant, key string) error {
	if !safe.MatchString(tenant) || !safe.MatchString(key) {
		return fmt.Errorf("%w %q/%q", ErrBadName, tenant, key)
	}
	return nil
}

func (d Disk) path(tenant, key string) (string, error) {
	if err := checkName(tenant, key); err != nil {
		return "", err
	}
	return filepath.Join(d.Dir, tenant, key), nil
}

// Put writes a file atomically (a temporary file renamed into place).
func (d Disk) Put(_ context.Context, tenant, key string, r io.Reader) error {
	p, err := d.path(tenant, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

// Open reads a file.
func (d Disk) Open(_ context.Context, tenant, key string) (io.ReadCloser, error) {
	p, err := d.path(tenant, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes a file (no error when it is not there).
func (d Disk) Delete(_ context.Context, tenant, key string) error {
	p, err := d.path(tenant, key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Size is a file's size in bytes.
func (d Disk) Size(_ context.Context, tenant, key string) (int64, error) {
	p, err := d.path(tenant, key)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
