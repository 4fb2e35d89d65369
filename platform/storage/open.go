package storage

import (
	"fmt"
	"path/filepath"

	"github.com/piazza-pa/piazza/config"
)

// Open returns the store a configuration names (PIAZZA_STORAGE_URL and its
// keys): the S3 bucket, or the folder, by default dataDir's files folder.
// It does not reach the store: Check does.
func Open(s config.Storage, dataDir string) (Backend, error) {
	if !s.S3() {
		dir := s.Dir
		if dir == "" {
			dir = filepath.Join(dataDir, "files")
		}
		return Disk{Dir: dir}, nil
	}
	st, err := NewS3(S3Options{
		Endpoint: s.Endpoint, Insecure: s.Insecure, Region: s.Region, Bucket: s.Bucket, Prefix: s.Prefix,
		AccessKey: s.AccessKey, SecretKey: s.SecretKey, SessionToken: s.SessionToken,
	})
	if err != nil {
		return nil, fmt.Errorf("PIAZZA_STORAGE_URL: %w", err)
	}
	return st, nil
}
