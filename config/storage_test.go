package config

import (
	"strings"
	"testing"
)

func TestStorageDefault(t *testing.T) {
	for _, mode := range []Mode{ModeDev, ModeServe, ModeTool} {
		c, err := Load(env(nil), mode)
		if err != nil {
			t.Fatal(err)
		}
		if c.Storage.S3() || c.Storage.Dir != "" {
			t.Fatalf("mode %d: default storage %+v, want the data directory", mode, c.Storage)
		}
	}
	c, err := Load(env(map[string]string{"PIAZZA_STORAGE_URL": "file:///srv/piazza/files"}), ModeServe)
	if err != nil || c.Storage.S3() || c.Storage.Dir != "/srv/piazza/files" {
		t.Fatalf("file URL: %+v, %v", c, err)
	}
}

func TestStorageS3(t *testing.T) {
	c, err := Load(env(map[string]string{
		"PIAZZA_STORAGE_URL":        "s3://piazza-files/prod/piazza/?endpoint=MinIO.internal:9000&region=eu-south-1&insecure=1",
		"PIAZZA_STORAGE_ACCESS_KEY": "AKIAPIAZZA", "PIAZZA_STORAGE_SECRET_KEY": "s3cret",
		"AWS_ACCESS_KEY_ID": "ignored", "AWS_SECRET_ACCESS_KEY": "ignored",
	}), ModeServe)
	if err != nil {
		t.Fatal(err)
	}
	want := Storage{Bucket: "piazza-files", Prefix: "prod/piazza", Endpoint: "minio.internal:9000", Region: "eu-south-1",
		Insecure: true, AccessKey: "AKIAPIAZZA", SecretKey: "s3cret"}
	if c.Storage != want {
		t.Fatalf("got %+v, want %+v", c.Storage, want)
	}
	if s := c.Storage.String(); s != "s3://piazza-files/prod/piazza" {
		t.Fatalf("String() = %q", s)
	}

	// The standard AWS variables, when Piazza's are not set; an IPv6 endpoint.
	c, err = Load(env(map[string]string{
		"PIAZZA_STORAGE_URL": "s3://piazza-files?endpoint=[::1]:9000",
		"AWS_ACCESS_KEY_ID":  "AKIAAWS", "AWS_SECRET_ACCESS_KEY": "s3cret", "AWS_SESSION_TOKEN": "token",
	}), ModeServe)
	if err != nil {
		t.Fatal(err)
	}
	want = Storage{Bucket: "piazza-files", Endpoint: "[::1]:9000", AccessKey: "AKIAAWS", SecretKey: "s3cret", SessionToken: "token"}
	if c.Storage != want || c.Storage.Insecure {
		t.Fatalf("got %+v, want %+v", c.Storage, want)
	}

	// No key at all: the machine's role signs.
	c, err = Load(env(map[string]string{"PIAZZA_STORAGE_URL": "s3://piazza-files"}), ModeServe)
	if err != nil || c.Storage.AccessKey != "" || c.Storage.Endpoint != "" {
		t.Fatalf("%+v, %v", c.Storage, err)
	}
}

// Every bad storage setting is refused naming its variable, and no error
// repeats a secret.
func TestStorageInvalid(t *testing.T) {
	cases := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"PIAZZA_STORAGE_URL": "/srv/files"}, "PIAZZA_STORAGE_URL: must be file://DIR or s3://BUCKET"},
		{map[string]string{"PIAZZA_STORAGE_URL": "https://bucket.s3.amazonaws.com"}, "PIAZZA_STORAGE_URL: must be"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://AKIA:s3cret@bucket"}, "PIAZZA_STORAGE_URL: must not carry credentials"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://Piazza_Files"}, "not a bucket name"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://ab"}, "not a bucket name"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://a..b"}, "not a bucket name"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://"}, "not a bucket name"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket/a/../b"}, "prefix"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket/a//b"}, "prefix"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket/a b"}, "prefix"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?endpoint=http://minio:9000"}, "endpoint"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?endpoint=minio:9000/path"}, "endpoint"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?endpoint=minio:99999"}, "endpoint"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?endpoint=::1"}, "endpoint"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?endpoint="}, "endpoint"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?region=Europe+South"}, "region"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?insecure=yes"}, "insecure"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?secret=s3cret"}, `unknown option "secret"`},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket?region=a&region=b"}, "region is given 2 times"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket#s3cret"}, "PIAZZA_STORAGE_URL: must be"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket", "PIAZZA_STORAGE_ACCESS_KEY": "AKIA"},
			"PIAZZA_STORAGE_SECRET_KEY: required with PIAZZA_STORAGE_ACCESS_KEY"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket", "PIAZZA_STORAGE_SECRET_KEY": "s3cret"},
			"PIAZZA_STORAGE_ACCESS_KEY: required with PIAZZA_STORAGE_SECRET_KEY"},
		{map[string]string{"PIAZZA_STORAGE_ACCESS_KEY": "AKIA", "PIAZZA_STORAGE_SECRET_KEY": "s3cret"},
			"PIAZZA_STORAGE_ACCESS_KEY: set without an s3:// PIAZZA_STORAGE_URL"},
		{map[string]string{"PIAZZA_STORAGE_URL": "s3://bucket", "AWS_SECRET_ACCESS_KEY": "s3cret"},
			"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			_, err := Load(env(tc.vars), ModeServe)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v: got %v, want an error containing %q", tc.vars, err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error shows the secret: %v", err)
			}
		})
	}
	// A bad URL is one error: the keys beside it are not blamed for it.
	_, err := Load(env(map[string]string{"PIAZZA_STORAGE_URL": "s3://Bad", "PIAZZA_STORAGE_ACCESS_KEY": "a", "PIAZZA_STORAGE_SECRET_KEY": "b"}), ModeDev)
	if err == nil || strings.Count(err.Error(), "\n") != 0 {
		t.Fatalf("got %v, want one error", err)
	}
}
