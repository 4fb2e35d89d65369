package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Backend is a store as a whole, as an installation runs it: checked at
// start, its tenants' folders listed and removed when a tenant is purged.
// Disk, S3 and Unavailable are.
type Backend interface {
	Store
	// Check makes one cheap call to tell whether the store can be used.
	Check(ctx context.Context) error
	// Tenants lists the tenants the store has a folder (or prefix) of, in
	// name order; names that are not safe names are left out.
	Tenants(ctx context.Context) ([]string, error)
	// RemoveTenant removes every file of a tenant and says how many.
	RemoveTenant(ctx context.Context, tenant string) (int, error)
}

// ErrNoBucket is an S3 store whose bucket does not exist.
var ErrNoBucket = errors.New("the bucket does not exist (Piazza does not create it)")

// ErrRefused is a store that refused the credentials: an unknown key, a
// wrong secret, an expired token, or a key without the permission to list
// the bucket.
var ErrRefused = errors.New("the store refused the key")

// Check makes sure the folder exists and takes files: it creates it if
// needed and writes and removes an empty temporary file.
func (d Disk) Check(context.Context) error {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	f, err := os.CreateTemp(d.Dir, ".check-*")
	if err != nil {
		return fmt.Errorf("storage: cannot write in %s: %w", d.Dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Tenants lists the tenants' folders.
func (d Disk) Tenants(context.Context) ([]string, error) {
	entries, err := os.ReadDir(d.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: list %s: %w", d.Dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && safe.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// RemoveTenant removes a tenant's folder and all it holds.
func (d Disk) RemoveTenant(_ context.Context, tenant string) (int, error) {
	if !safe.MatchString(tenant) {
		return 0, fmt.Errorf("%w %q", ErrBadName, tenant)
	}
	dir := filepath.Join(d.Dir, tenant)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: list %s: %w", dir, err)
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() && safe.MatchString(e.Name()) {
			n++
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, fmt.Errorf("storage: remove %s: %w", dir, err)
	}
	return n, nil
}

// tenantPrefix is where a tenant's objects are: <prefix>/<tenant>/.
func (s *S3) tenantPrefix(tenant string) string {
	if s.prefix == "" {
		return tenant + "/"
	}
	return s.prefix + "/" + tenant + "/"
}

// root is what every object's name starts with: <prefix>/, or nothing.
func (s *S3) root() string {
	if s.prefix == "" {
		return ""
	}
	return s.prefix + "/"
}

// Check lists at most one name under the store's prefix: the bucket must
// exist and the key must be allowed to list it (which purging a tenant
// needs).
func (s *S3) Check(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing after its first page
	for obj := range s.client.Client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.root(), MaxKeys: 1}) {
		if obj.Err != nil {
			return s.checkErr(obj.Err)
		}
		break
	}
	return nil
}

// checkErr says what a failed call tells of the store's configuration.
func (s *S3) checkErr(err error) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == minio.NoSuchBucket:
		return fmt.Errorf("bucket %q: %w", s.bucket, ErrNoBucket)
	case resp.StatusCode == 401 || resp.StatusCode == 403 || resp.Code == minio.AccessDenied ||
		resp.Code == "InvalidAccessKeyId" || resp.Code == "SignatureDoesNotMatch" || resp.Code == "ExpiredToken":
		return fmt.Errorf("bucket %q: %w (%s)", s.bucket, ErrRefused, strings.TrimSpace(resp.Code+" "+resp.Message))
	}
	return fmt.Errorf("bucket %q: %w", s.bucket, err)
}

// Tenants lists the tenants' prefixes.
func (s *S3) Tenants(ctx context.Context) ([]string, error) {
	var names []string
	root := s.root()
	for obj := range s.client.Client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: root}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("storage: list %s: %w", s.bucket, obj.Err)
		}
		name, ok := strings.CutSuffix(strings.TrimPrefix(obj.Key, root), "/")
		if ok && safe.MatchString(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names) // "lazio-due/" comes before "lazio/"
	return names, nil
}

// RemoveTenant removes every object under the tenant's prefix, a
// thousand per request.
func (s *S3) RemoveTenant(ctx context.Context, tenant string) (int, error) {
	if !safe.MatchString(tenant) {
		return 0, fmt.Errorf("%w %q", ErrBadName, tenant)
	}
	prefix := s.tenantPrefix(tenant)
	var listErr error
	listed := func(yield func(minio.ObjectInfo) bool) {
		for obj := range s.client.Client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				listErr = obj.Err
				return
			}
			if !yield(obj) {
				return
			}
		}
	}
	results, err := s.client.Client.RemoveObjectsWithIter(ctx, s.bucket, listed, minio.RemoveObjectsOptions{})
	if err != nil {
		return 0, fmt.Errorf("storage: remove %s: %w", prefix, err)
	}
	n, failed := 0, 0
	var first error
	for res := range results {
		switch {
		case res.Err == nil:
			n++
		case first == nil:
			first = fmt.Errorf("%s: %w", res.ObjectName, withCode(res.Err))
			failed++
		default:
			failed++
		}
	}
	switch {
	case first != nil:
		return n, fmt.Errorf("storage: remove %s: %d not removed, the first %w", prefix, failed, first)
	case listErr != nil:
		return n, fmt.Errorf("storage: list %s: %w", prefix, withCode(listErr))
	}
	return n, nil
}

// withCode puts the server's error code (AccessDenied) before its message.
func withCode(err error) error {
	if code := minio.ToErrorResponse(err).Code; code != "" {
		return fmt.Errorf("%s: %w", code, err)
	}
	return err
}

// Check returns u.Err.
func (u Unavailable) Check(context.Context) error { return u.Err }

// Tenants returns u.Err.
func (u Unavailable) Tenants(context.Context) ([]string, error) { return nil, u.Err }

// RemoveTenant returns u.Err.
func (u Unavailable) RemoveTenant(context.Context, string) (int, error) { return 0, u.Err }
