package edit_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/edit"
	"s3desk/storage/s3test"
)

func editor(t *testing.T, pause string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor.sh")
	script := "#!/bin/sh\necho 'line one' >> \"$1\"\nsleep " + pause + "\necho 'line two' >> \"$1\"\nsleep 1\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func content(t *testing.T, svc *storage.Service, bucket, key string) string {
	t.Helper()
	r, _, err := svc.Open(context.Background(), bucket, key, storage.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func waitEnded(t *testing.T, s *edit.Session) edit.Status {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st := s.Status(); st.Ended {
			return st
		}
	}
	t.Fatal("the editor session did not end")
	return edit.Status{}
}

func TestEditInPlaceUploadsEachSave(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartFake(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			svc := srv.Service(t)
			bucket := srv.Bucket(t)
			ctx := context.Background()
			key := "notes/to do+é.txt"
			if err := svc.Put(ctx, bucket, key, strings.NewReader("first\n"), -1, storage.PutOptions{ContentType: "text/plain"}); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(t.TempDir(), "edits")
			var seen atomic.Int64
			s, err := edit.Start(ctx, svc, bucket, key, root, edit.Options{Status: func(st edit.Status) {
				if st.Uploaded {
					seen.Add(1)
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(filepath.Dir(s.Path())); err != nil || st.Mode().Perm() != 0o700 {
				t.Fatalf("edit folder: %v %v", st, err)
			}
			if err := s.RunEditor([]string{editor(t, "1.5")}); err != nil {
				t.Fatal(err)
			}
			st := waitEnded(t, s)
			if st.Uploads != 2 || seen.Load() < 2 {
				t.Fatalf("uploads %d (%+v)", st.Uploads, st)
			}
			if got := content(t, svc, bucket, key); got != "first\nline one\nline two\n" {
				t.Fatalf("server has %q", got)
			}
			if info, _ := svc.Stat(ctx, bucket, key); info.ContentType != "text/plain" {
				t.Errorf("content type %q", info.ContentType)
			}
			if _, err := os.Stat(filepath.Dir(s.Path())); !os.IsNotExist(err) {
				t.Fatalf("the edit folder is still there: %v", err)
			}
		})
	}
}

func TestEditInPlaceAsksBeforeOverwritingAServerChange(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	key := "conf.txt"
	if err := svc.Put(ctx, bucket, key, strings.NewReader("v1\n"), -1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int64
	s, err := edit.Start(ctx, svc, bucket, key, t.TempDir(), edit.Options{Conflict: func(context.Context) bool {
		asked.Add(1)
		return false
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunEditor([]string{editor(t, "2.5")}); err != nil {
		t.Fatal(err)
	}
	// After the first save is up, someone else changes the object.
	for deadline := time.Now().Add(10 * time.Second); s.Status().Uploads < 1; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first save was not uploaded")
		}
	}
	if err := svc.Put(ctx, bucket, key, strings.NewReader("changed elsewhere\n"), -1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	st := waitEnded(t, s)
	if asked.Load() != 1 || st.Uploads != 1 || !strings.Contains(st.Note, "changed on the server") {
		t.Fatalf("asked %d, %+v", asked.Load(), st)
	}
	if got := content(t, svc, bucket, key); got != "changed elsewhere\n" {
		t.Fatalf("the server change was overwritten: %q", got)
	}
}

func TestCleanRemovesLeftovers(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "edit-abc"), 0o700); err != nil {
		t.Fatal(err)
	}
	edit.Clean(root)
	if _, err := os.Stat(filepath.Join(root, "edit-abc")); !os.IsNotExist(err) {
		t.Fatal("left over")
	}
}
