package personal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestDownloadSentWithoutTransaction: a member whose browser takes the
// archive slowly holds no database transaction meanwhile (each such
// download would hold one of the pool's few connections), a second
// download of theirs meanwhile is refused with a clear message while
// another member's is made, and once the first is taken whole (the
// archive intact, their large file byte for byte) the temporary copy is
// gone and they may download again.
func TestDownloadSentWithoutTransaction(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := moduletest.New(t)
	anna := w.ID("alpha", "anna")
	// 32 MiB that do not compress: more than the sockets' buffers hold,
	// so a client that does not read keeps the server sending.
	big := make([]byte, 32<<20)
	_, _ = rand.Read(big)
	sum := sha256.Sum256(big)
	if err := w.Files.Put(context.Background(), "alpha", "bigfilekeybigfilekeybigfilekey00", bytes.NewReader(big)); err != nil {
		t.Fatal(err)
	}
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attachments (content_type, item_id, name, mime, size, sha256, storage_key, uploaded_by)
			VALUES ('news', 1, 'big.bin', 'application/octet-stream', ?, ?, 'bigfilekeybigfilekeybigfilekey00', ?)`, len(big), hex.EncodeToString(sum[:]), anna)
		return err
	})

	b := w.Browser(t, moduletest.Alpha, "anna")
	_, page := b.Get(moduletest.Alpha + "/profile")
	res, err := b.Client.PostForm(moduletest.Alpha+"/profile/data", url.Values{"_csrf": {webtest.CSRF(page)}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	// The body is not read yet: the server is still sending it.
	var open int
	if err := w.DB.DB.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Errorf("while the archive is sent, %d database transactions are open, want 0", open)
	}

	again, body := b.Post(moduletest.Alpha+"/profile", moduletest.Alpha+"/profile/data", url.Values{})
	if again.StatusCode != 409 || again.Header.Get("Content-Type") == "application/zip" ||
		!strings.Contains(body, "ancora in corso") && !strings.Contains(body, "still in progress") {
		t.Errorf("a second download meanwhile: %d %s, want 409 with the message: %.300s", again.StatusCode, again.Header.Get("Content-Type"), body)
	}
	if other := download(t, w, "bruno"); other["account.json"] == nil {
		t.Error("another member's archive meanwhile has no account.json")
	}

	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the archive: %v", err)
	}
	res.Body.Close()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the archive taken slowly is no zip: %v", err)
	}
	var got []byte
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "-big.bin") {
			r, _ := f.Open()
			got, _ = io.ReadAll(r)
			r.Close()
		}
	}
	if sha256.Sum256(got) != sum {
		t.Errorf("the large file in the archive is %d bytes, not the uploaded %d", len(got), len(big))
	}

	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left, _ := os.ReadDir(tmp)
		var spooled []string
		for _, e := range left {
			if strings.HasPrefix(e.Name(), "piazza-personal-") {
				spooled = append(spooled, e.Name())
			}
		}
		if len(spooled) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("temporary archives left behind after they were sent: %v", spooled)
		}
	}
	if files := download(t, w, "anna"); files["account.json"] == nil {
		t.Error("the next download after the first was sent has no account.json")
	}
}
