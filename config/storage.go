package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// Storage says where uploaded files are kept (PIAZZA_STORAGE_URL): on disk
// under Dir, or in an S3-compatible bucket when Bucket is set.
type Storage struct {
	// Dir is the disk store's folder (file://DIR); empty means the data
	// directory's files folder.
	Dir string
	// Bucket, Prefix, Endpoint and Region place the S3 store: objects are
	// <Prefix>/<tenant>/<key> in Bucket at Endpoint (host:port; empty means
	// Amazon S3).
	Bucket, Prefix, Endpoint, Region string
	// Insecure speaks plain HTTP to the endpoint (a server on the same host
	// or a private network).
	Insecure bool
	// AccessKey, SecretKey and SessionToken sign the requests
	// (PIAZZA_STORAGE_ACCESS_KEY / PIAZZA_STORAGE_SECRET_KEY, else
	// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN); none
	// means the role of the machine or pod (web identity, ECS, EC2).
	AccessKey, SecretKey, SessionToken string
}

// S3 says whether files go to an S3-compatible store.
func (s Storage) S3() bool { return s.Bucket != "" }

// String names the store without its credentials.
func (s Storage) String() string {
	if !s.S3() {
		return "file://" + s.Dir
	}
	return "s3://" + strings.TrimSuffix(s.Bucket+"/"+s.Prefix, "/")
}

var (
	bucketName    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefixSegment = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)
	regionName    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
)

const storageURLForm = "must be file://DIR or s3://BUCKET[/PREFIX][?endpoint=HOST:PORT&region=REGION&insecure=1]"

// ParseStorageURL reads PIAZZA_STORAGE_URL. Its errors never repeat the
// URL, which might carry a credential by mistake.
func ParseStorageURL(v string) (Storage, error) {
	if dir, ok := strings.CutPrefix(v, "file://"); ok {
		return Storage{Dir: dir}, nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "s3" {
		return Storage{}, errors.New(storageURLForm)
	}
	if u.User != nil {
		return Storage{}, errors.New("must not carry credentials: set PIAZZA_STORAGE_ACCESS_KEY and PIAZZA_STORAGE_SECRET_KEY")
	}
	if !bucketName.MatchString(u.Host) || strings.Contains(u.Host, "..") {
		return Storage{}, fmt.Errorf("%q is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens); %s", u.Host, storageURLForm)
	}
	s := Storage{Bucket: u.Host}
	if s.Prefix, err = storagePrefix(u.Path); err != nil {
		return Storage{}, err
	}
	if u.Fragment != "" {
		return Storage{}, errors.New(storageURLForm)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Storage{}, errors.New(storageURLForm)
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return Storage{}, fmt.Errorf("%s is given %d times", k, len(vs))
		}
		if err := s.setOption(k, vs[0]); err != nil {
			return Storage{}, err
		}
	}
	return s, nil
}

// storagePrefix checks the path of an s3:// URL: segments of letters,
// digits, dots, hyphens and underscores, none of them "." or "..".
func storagePrefix(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return "", nil
	}
	for _, seg := range strings.Split(p, "/") {
		if !prefixSegment.MatchString(seg) || seg == ".." || len(seg) > 200 {
			return "", fmt.Errorf("the prefix %q must be folders of letters, digits, dots, hyphens and underscores separated by /", p)
		}
	}
	return p, nil
}

func (s *Storage) setOption(k, v string) error {
	switch k {
	case "endpoint":
		if err := checkEndpoint(v); err != nil {
			return err
		}
		s.Endpoint = strings.ToLower(v)
	case "region":
		if !regionName.MatchString(v) {
			return fmt.Errorf("region %q is not a region name such as eu-south-1", v)
		}
		s.Region = v
	case "insecure":
		switch v {
		case "1", "true":
			s.Insecure = true
		case "0", "false":
		default:
			return fmt.Errorf("insecure=%q: must be 1 or 0", v)
		}
	default:
		return fmt.Errorf("unknown option %q; %s", k, storageURLForm)
	}
	return nil
}

// checkEndpoint accepts host:port or host, where host is a DNS name or an
// IP address ([::1] for IPv6), and refuses a scheme or a path: the scheme
// is https unless insecure=1.
func checkEndpoint(v string) error {
	bad := fmt.Errorf("endpoint %q must be HOST or HOST:PORT (no scheme, no path; insecure=1 for http)", v)
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		host, port = v, ""
	} else if !validPort(port) {
		return bad
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		// a bare IPv6 address needs its brackets; a zone has no place in a URL
		if a.Zone() != "" || a.Is6() && port == "" && !strings.HasPrefix(host, "[") {
			return bad
		}
		return nil
	}
	if CheckHost(strings.ToLower(host)) != nil {
		return bad
	}
	return nil
}

// storageVariables are the settings of the file store; Load reads them
// after the others.
var storageVariables = []variable{
	{"PIAZZA_STORAGE_URL", func(c *Config, v string) (err error) {
		c.Storage, err = ParseStorageURL(v)
		return err
	}},
	{"PIAZZA_STORAGE_ACCESS_KEY", func(c *Config, v string) error { c.Storage.AccessKey = v; return nil }},
	{"PIAZZA_STORAGE_SECRET_KEY", func(c *Config, v string) error { c.Storage.SecretKey = v; return nil }},
}

// checkStorageKeys completes the S3 credentials from the standard AWS
// variables and reports keys given in half, or for no S3 store.
func checkStorageKeys(c *Config, lookup Lookup, bad func(key, msg string, args ...any)) {
	s := &c.Storage
	given := s.AccessKey != "" || s.SecretKey != ""
	switch {
	case given && !s.S3():
		if u, _ := lookup("PIAZZA_STORAGE_URL"); strings.HasPrefix(strings.TrimSpace(u), "s3:") {
			return // the URL's own error says what is wrong
		}
		bad("PIAZZA_STORAGE_ACCESS_KEY", "set without an s3:// PIAZZA_STORAGE_URL")
	case s.AccessKey != "" && s.SecretKey == "":
		bad("PIAZZA_STORAGE_SECRET_KEY", "required with PIAZZA_STORAGE_ACCESS_KEY")
	case s.AccessKey == "" && s.SecretKey != "":
		bad("PIAZZA_STORAGE_ACCESS_KEY", "required with PIAZZA_STORAGE_SECRET_KEY")
	case !given && s.S3():
		get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
		s.AccessKey, s.SecretKey = get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")
		if (s.AccessKey == "") != (s.SecretKey == "") {
			bad("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together")
		}
		if s.AccessKey != "" {
			s.SessionToken = get("AWS_SESSION_TOKEN")
		}
	}
}
