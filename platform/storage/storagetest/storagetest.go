// Package storagetest gives tests a real S3-compatible server: gofakes3,
// served on 127.0.0.1 by an httptest server, with one bucket, inside the
// test process (Start, StartHTTP) or in a process of its own
// (StartProcess), so that a test can measure the client's memory alone.
// The server keeps objects in memory.
package storagetest

import (
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/piazza-pa/piazza/platform/storage"
)

// Bucket is the bucket the server starts with.
const Bucket = "piazza-test"

// AccessKey is the only access key the server knows. gofakes3 checks no
// signature; the server refuses a request signed with another key, or not
// signed, with 403 as S3 does (InvalidAccessKeyId, AccessDenied). A wrong
// secret with the right key goes unnoticed.
const AccessKey = "piazza"

// Server is a running S3-compatible server.
type Server struct {
	// Endpoint is its host:port on 127.0.0.1.
	Endpoint string
	// Insecure is true for plain HTTP.
	Insecure bool
	// transport trusts the server's certificate.
	transport http.RoundTripper
	mu        sync.Mutex
	// puts is how many more uploads the server accepts; below 0, all.
	puts int
	// flaky is how many uploads still fail once with a 500.
	flaky int
	// noDeletes refuses every removal (RefuseDeletes).
	noDeletes bool
}

// RefuseDeletes has the server refuse (true) or accept (false) removals,
// one by one or a thousand at a time, with 403 AccessDenied, as a store
// does to a key that may not delete.
func (s *Server) RefuseDeletes(refuse bool) {
	s.mu.Lock()
	s.noDeletes = refuse
	s.mu.Unlock()
}

func (s *Server) refuseDelete(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noDeletes && (r.Method == http.MethodDelete || r.Method == http.MethodPost && r.URL.Query().Has("delete"))
}

// FailNextPuts has the next n uploads (a PUT, or a part of one) fail with
// 500 InternalError, which a client retries.
func (s *Server) FailNextPuts(n int) {
	s.mu.Lock()
	s.flaky = n
	s.mu.Unlock()
}

// RefusePutsAfter has the server accept n more uploads and refuse the
// following ones (403, which the client does not retry), as a store whose
// credentials were revoked does; -1 accepts all again.
func (s *Server) RefusePutsAfter(n int) {
	s.mu.Lock()
	s.puts = n
	s.mu.Unlock()
}

// refuse says whether to refuse this upload, and with which status.
func (s *Server) refuse() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flaky > 0 {
		s.flaky--
		return http.StatusInternalServerError, true
	}
	if s.puts < 0 {
		return 0, false
	}
	if s.puts == 0 {
		return http.StatusForbidden, true
	}
	s.puts--
	return 0, false
}

func (s *Server) refuseIf(r *http.Request) (int, bool) {
	if r.Method != http.MethodPut {
		return 0, false
	}
	status, ok := s.refuse()
	if ok {
		_, _ = io.Copy(io.Discard, r.Body) // as a server that read it and then failed
	}
	return status, ok
}

// refusing wraps the server's handler with RefusePutsAfter.
func (s *Server) refusing(h http.Handler) http.Handler {
	s.puts = -1
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := unknownKey(r); code != "" {
			refuseWith(w, r, http.StatusForbidden, code)
			return
		}
		if s.refuseDelete(r) {
			refuseWith(w, r, http.StatusForbidden, "AccessDenied")
			return
		}
		if status, ok := s.refuseIf(r); ok {
			code := map[int]string{http.StatusForbidden: "AccessDenied", http.StatusInternalServerError: "InternalError"}[status]
			refuseWith(w, r, status, code)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// unknownKey is the error code of a request not signed with AccessKey, or "".
func unknownKey(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "AccessDenied"
	}
	_, cred, _ := strings.Cut(auth, "Credential=")
	if key, _, _ := strings.Cut(cred, "/"); key != AccessKey {
		return "InvalidAccessKeyId"
	}
	return ""
}

func refuseWith(w http.ResponseWriter, r *http.Request, status int, code string) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>refused by the test</Message></Error>`)
}

// Start starts a server speaking HTTPS, as a production store does, with
// an empty Bucket; it stops when the test ends. Only the stores from
// Options and Store trust its certificate.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	srv := httptest.NewUnstartedServer(s.refusing(handler(t)))
	// connections the client keeps open when the server closes are no news
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	s.Endpoint, s.transport = hostOf(t, srv.URL), srv.Client().Transport
	return s
}

// StartHTTP starts a server speaking plain HTTP (a store reached with
// insecure=1), which a PIAZZA_STORAGE_URL can name without a transport.
// gofakes3 does not decode the streaming signature that the client uses
// for the parts of a multipart upload over plain HTTP: give it files
// under a megabyte, which go up in one PUT.
func StartHTTP(t testing.TB) *Server {
	t.Helper()
	s := &Server{Insecure: true}
	srv := httptest.NewServer(s.refusing(handler(t)))
	t.Cleanup(srv.Close)
	s.Endpoint = hostOf(t, srv.URL)
	return s
}

func handler(t testing.TB) http.Handler {
	h, err := newHandler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newHandler() (http.Handler, error) {
	backend := s3mem.New()
	if err := backend.CreateBucket(Bucket); err != nil {
		return nil, err
	}
	return gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server(), nil
}

func hostOf(t testing.TB, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// Options are the S3 options of a store under prefix on s.
func (s *Server) Options(prefix string) storage.S3Options {
	return storage.S3Options{
		Endpoint: s.Endpoint, Insecure: s.Insecure, Region: "us-east-1", Transport: s.transport,
		Bucket: Bucket, Prefix: prefix, AccessKey: AccessKey, SecretKey: "piazza-test-secret",
	}
}

// Store is an S3 store under prefix on s.
func (s *Server) Store(t testing.TB, prefix string) *storage.S3 {
	t.Helper()
	st, err := storage.NewS3(s.Options(prefix))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// URL is the PIAZZA_STORAGE_URL of a store under prefix on a server
// started by StartHTTP.
func (s *Server) URL(prefix string) string {
	return "s3://" + Bucket + "/" + prefix + "?endpoint=" + s.Endpoint + "&region=us-east-1&insecure=1"
}

// Bytes is an endless, deterministic stream of pseudo-random bytes: the
// same seed gives the same bytes, so a test can generate a file twice
// instead of keeping it.
func Bytes(seed byte) io.Reader {
	return rand.NewChaCha8([32]byte{seed})
}
