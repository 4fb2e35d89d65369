package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Sized is a store that tells a file's size: what Copy needs of its
// destination to skip what an earlier run copied.
type Sized interface {
	Store
	Size(ctx context.Context, tenant, key string) (int64, error)
}

// File is one file of a store.
type File struct {
	Tenant, Key string
	Size        int64
}

// Files lists every file of the disk store, tenant by tenant, in name
// order. What is not a file Piazza stores there (a temporary upload left
// by a crash, a folder or file with a name Piazza never makes) is
// returned apart, as paths relative to Dir.
func (d Disk) Files() (files []File, ignored []string, err error) {
	tenants, err := os.ReadDir(d.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: list %s: %w", d.Dir, err)
	}
	for _, t := range tenants {
		if !t.IsDir() || !safe.MatchString(t.Name()) {
			ignored = append(ignored, t.Name())
			continue
		}
		entries, err := os.ReadDir(filepath.Join(d.Dir, t.Name()))
		if err != nil {
			return nil, nil, fmt.Errorf("storage: list %s: %w", d.Dir, err)
		}
		for _, e := range entries {
			name := filepath.Join(t.Name(), e.Name())
			if !e.Type().IsRegular() || !safe.MatchString(e.Name()) {
				ignored = append(ignored, name)
				continue
			}
			info, err := e.Info()
			if err != nil {
				return nil, nil, fmt.Errorf("storage: %s: %w", name, err)
			}
			files = append(files, File{Tenant: t.Name(), Key: e.Name(), Size: info.Size()})
		}
	}
	return files, ignored, nil
}

// CopyReport says what Copy did.
type CopyReport struct {
	// Copied files and their bytes.
	Copied int
	Bytes  int64
	// Present files were already at the destination with the same size.
	Present int
	// Failed are the files that could not be read, with why.
	Failed []CopyFailure
}

// CopyFailure is a file Copy could not read.
type CopyFailure struct {
	File File
	Err  error
}

// Copy copies files from src to dst, concurrency at a time, and calls
// progress after each. A file dst already has with the same size is not
// copied again, so a run that was interrupted can be run again. A file
// that cannot be read is reported and the others are copied; a failure
// of dst stops the copy and is returned with the report so far.
func Copy(ctx context.Context, src Store, dst Sized, files []File, concurrency int, progress func(done, total int)) (CopyReport, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu   sync.Mutex
		rep  CopyReport
		done int
		wg   sync.WaitGroup
	)
	work := make(chan File)
	for range max(concurrency, 1) {
		wg.Go(func() {
			for f := range work {
				if ctx.Err() != nil { // stopped: start nothing more
					continue
				}
				copied, srcErr, err := copyFile(ctx, src, dst, f)
				mu.Lock()
				switch {
				case err != nil:
					cancel(err)
				case srcErr != nil:
					rep.Failed = append(rep.Failed, CopyFailure{File: f, Err: srcErr})
				case copied:
					rep.Copied++
					rep.Bytes += f.Size
				default:
					rep.Present++
				}
				if err == nil {
					done++
					progress(done, len(files))
				}
				mu.Unlock()
			}
		})
	}
	progress(0, len(files))
feed:
	for _, f := range files {
		select {
		case work <- f:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return rep, context.Cause(ctx)
}

// copyFile copies one file unless dst has it with its size. srcErr is a
// failure to read it, err any other.
func copyFile(ctx context.Context, src Store, dst Sized, f File) (copied bool, srcErr, err error) {
	n, err := dst.Size(ctx, f.Tenant, f.Key)
	switch {
	case err == nil && n == f.Size:
		return false, nil, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return false, nil, err
	}
	r, err := src.Open(ctx, f.Tenant, f.Key)
	if err != nil {
		return false, err, nil
	}
	defer r.Close()
	sr := &sourceReader{r: r}
	if err := dst.Put(ctx, f.Tenant, f.Key, sr); err != nil {
		if sr.err != nil {
			return false, sr.err, nil
		}
		return false, nil, err
	}
	return true, nil, nil
}

// sourceReader remembers a read error, to tell a file that cannot be
// read from a destination that cannot be written.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}
