package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// PartSize is the size of one part of a multipart upload, and so the
// memory one upload to S3 holds at a time. Unknown-length uploads are
// limited to 10,000 parts: 78 GiB per file.
const PartSize = 8 << 20

// smallFile is the most of an upload read ahead to find out whether it is
// small: a file that ends within it goes up in one PUT (one request, and
// the memory it takes is its own size), a longer one in parts.
const smallFile = 1 << 20

// S3Options place and sign an S3 store.
type S3Options struct {
	// Endpoint is host[:port]; empty means Amazon S3 (s3.amazonaws.com).
	Endpoint string
	// Insecure speaks plain HTTP.
	Insecure bool
	// Region is the bucket's region; empty lets the client ask.
	Region string
	// Bucket holds the files, under Prefix/<tenant>/<key>.
	Bucket, Prefix string
	// AccessKey, SecretKey and SessionToken sign the requests; without
	// them the machine's or pod's role does (web identity, ECS, EC2).
	AccessKey, SecretKey, SessionToken string
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
}

// S3 keeps files in an S3-compatible bucket, as objects named
// <prefix>/<tenant>/<key>. Uploads and downloads stream: an upload holds
// at most one part (PartSize) in memory, a download none.
type S3 struct {
	client         *minio.Core
	bucket, prefix string
}

// NewS3 makes the client; it does not reach the server.
func NewS3(o S3Options) (*S3, error) {
	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	creds := credentials.NewStaticV4(o.AccessKey, o.SecretKey, o.SessionToken)
	if o.AccessKey == "" {
		creds = credentials.NewIAM("")
	}
	c, err := minio.NewCore(endpoint, &minio.Options{
		Creds: creds, Secure: !o.Insecure, Region: o.Region, Transport: o.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: S3 endpoint: %w", err)
	}
	return &S3{client: c, bucket: o.Bucket, prefix: strings.Trim(o.Prefix, "/")}, nil
}

func (s *S3) object(tenant, key string) (string, error) {
	if err := checkName(tenant, key); err != nil {
		return "", err
	}
	if s.prefix == "" {
		return tenant + "/" + key, nil
	}
	return s.prefix + "/" + tenant + "/" + key, nil
}

// Put uploads a file. A file that ends within its first megabyte goes up
// in one PUT; a longer one in parts of PartSize, read one at a time: the
// object appears whole when the last part is in, or not at all.
func (s *S3) Put(ctx context.Context, tenant, key string, r io.Reader) error {
	name, err := s.object(tenant, key)
	if err != nil {
		return err
	}
	var head bytes.Buffer
	n, err := io.CopyN(&head, r, smallFile+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("storage: read upload: %w", err)
	}
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: PartSize,
		// Over plain HTTP the client signs the payload in chunks, and for an
		// empty one sends no Content-Length, which S3 refuses: an empty
		// body has nothing to sign.
		DisableContentSha256: n == 0}
	if n <= smallFile {
		// a seekable body: the client retries a PUT that failed on the way
		_, err = s.client.Client.PutObject(ctx, s.bucket, name, bytes.NewReader(head.Bytes()), n, opts)
	} else {
		_, err = s.client.Client.PutObject(ctx, s.bucket, name, io.MultiReader(&head, r), -1, opts)
	}
	if err != nil {
		return fmt.Errorf("storage: put %s: %w", name, err)
	}
	return nil
}

// Open streams a file from the bucket.
func (s *S3) Open(ctx context.Context, tenant, key string) (io.ReadCloser, error) {
	name, err := s.object(tenant, key)
	if err != nil {
		return nil, err
	}
	body, _, _, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr("get", name, err)
	}
	return body, nil
}

// Delete removes a file (no error when it is not there).
func (s *S3) Delete(ctx context.Context, tenant, key string) error {
	name, err := s.object(tenant, key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		if err := s.mapErr("delete", name, err); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// Size is a file's size in bytes.
func (s *S3) Size(ctx context.Context, tenant, key string) (int64, error) {
	name, err := s.object(tenant, key)
	if err != nil {
		return 0, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return 0, s.mapErr("stat", name, err)
	}
	return info.Size, nil
}

// mapErr turns the server's "no such key" into ErrNotFound.
func (s *S3) mapErr(op, name string, err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == minio.NoSuchKey {
		return ErrNotFound
	}
	return fmt.Errorf("storage: %s %s: %w", op, name, err)
}

// Unavailable is a store that cannot be used: every call returns Err.
// It stands in for a store whose configuration the client refused, so
// that the error shows where files are used.
type Unavailable struct{ Err error }

// Put returns u.Err.
func (u Unavailable) Put(context.Context, string, string, io.Reader) error { return u.Err }

// Open returns u.Err.
func (u Unavailable) Open(context.Context, string, string) (io.ReadCloser, error) { return nil, u.Err }

// Delete returns u.Err.
func (u Unavailable) Delete(context.Context, string, string) error { return u.Err }
