package bulk_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/s3test"
)

// The crash test's child: it runs the job of BULK_CHILD_DIR/BULK_CHILD_JOB
// against BULK_CHILD_ENDPOINT and prints "CHECKPOINT n" once a durable
// cursor record says n objects are done, then carries on until killed.
func TestBulkCrashChild(t *testing.T) {
	dir := os.Getenv("BULK_CHILD_DIR")
	if dir == "" {
		t.Skip("the child of TestBulkKilledMidJobResumesExactlyOnce; runs only when that test starts it")
	}
	svc, err := storage.New(context.Background(), storage.Config{Endpoint: os.Getenv("BULK_CHILD_ENDPOINT"), Region: s3test.Region,
		PathStyle: true, AccessKeyID: os.Getenv("BULK_CHILD_AK"), SecretAccessKey: os.Getenv("BULK_CHILD_SK")})
	if err != nil {
		t.Fatal(err)
	}
	at := int64(1000)
	printed := false
	m, err := bulk.Open(dir, svc, bulk.Hooks{Synced: func(done int64) {
		if done >= at && !printed {
			printed = true
			fmt.Printf("CHECKPOINT %d\n", done)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	j := m.Job(os.Getenv("BULK_CHILD_JOB"))
	if j == nil {
		t.Fatal("no such job")
	}
	_ = j.Run(context.Background())
	fmt.Println("CHILD FINISHED")
}

// runChildUntilCheckpoint starts the child on job and kills it (SIGKILL)
// as soon as it reports its checkpoint.
func runChildUntilCheckpoint(t *testing.T, srv *s3test.Server, endpoint, dir, job string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBulkCrashChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "BULK_CHILD_DIR="+dir, "BULK_CHILD_JOB="+job, "BULK_CHILD_ENDPOINT="+endpoint,
		"BULK_CHILD_AK="+srv.AccessKey, "BULK_CHILD_SK="+srv.SecretKey)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatal("the child ended before its checkpoint")
			}
			if strings.HasPrefix(l, "CHILD FINISHED") {
				t.Fatal("the child finished the whole job before it could be killed")
			}
			if strings.HasPrefix(l, "CHECKPOINT") {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				err := cmd.Wait()
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
					t.Fatalf("the child was not killed: %v", err)
				}
				go func() {
					for range lines {
					}
				}()
				return
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatal("no checkpoint from the child in 2 minutes")
		}
	}
}

// TestBulkKilledMidJobResumesExactlyOnce kills the app (a child process
// running the job) with SIGKILL mid-copy and mid-move, then resumes the
// job: every key ends up done, none is skipped, and no key whose outcome
// the journal had recorded is sent again; a key that was in flight at the
// kill is checked at the destination (HEAD) before any second copy. The
// server-side requests are counted by the fault proxy through which both
// the child and the resumed run talk.
func TestBulkKilledMidJobResumesExactlyOnce(t *testing.T) {
	srv := s3test.StartVersity(t)
	f := s3test.NewFaults(t, srv)
	svc := f.Server().Service(t)
	for _, op := range []bulk.Kind{bulk.Copy, bulk.Move} {
		t.Run(string(op), func(t *testing.T) {
			b := srv.Bucket(t)
			const n = 2000
			keys := seed(t, srv, b, "src/", n)
			dir := t.TempDir()
			m, err := bulk.Open(dir, svc, bulk.Hooks{})
			if err != nil {
				t.Fatal(err)
			}
			j, err := m.Create(bulk.Spec{Op: op, Source: bulk.Source{Bucket: b, Prefixes: []string{"src/"}}, BasePrefix: "src/", DestPrefix: "dst/", PlannedObjects: n})
			if err != nil {
				t.Fatal(err)
			}
			before := len(f.Log())
			runChildUntilCheckpoint(t, srv, f.URL, dir, j.ID())
			childLog := f.Log()[before:]

			// What the killed run's journal says, as the next start sees it.
			m2, err := bulk.Open(dir, svc, bulk.Hooks{})
			if err != nil {
				t.Fatal(err)
			}
			j2 := m2.Job(j.ID())
			if st := j2.Status(); st.State != bulk.Paused {
				t.Fatalf("after the kill the job reads %s, want paused", st.State)
			}
			doneByChild := journalDone(t, filepath.Join(dir, j.ID(), "journal.log"))
			if len(doneByChild) < 1000 {
				t.Fatalf("the child's journal records %d done, want >= 1000 (its checkpoint)", len(doneByChild))
			}
			mark := len(f.Log())
			if err := j2.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st := j2.Status(); st.State != bulk.Finished || st.Done != n || st.Failed != 0 {
				t.Fatalf("resumed job: %+v, want finished with %d done", st, n)
			}
			resumeLog := f.Log()[mark:]
			childCopies, resumeCopies := opsPerPath(childLog, "CopyObject"), opsPerPath(resumeLog, "CopyObject")
			resumeHeads := opsPerPath(resumeLog, "HeadObject")
			twice := 0
			for _, k := range keys {
				dst := "/" + b + "/dst/" + strings.TrimPrefix(k, "src/")
				c, r := childCopies[dst], resumeCopies[dst]
				switch {
				case c+r == 0:
					t.Fatalf("%s was never copied (skipped)", k)
				case c > 1 || r > 1:
					t.Fatalf("%s copied %d times by the child and %d by the resumed run", k, c, r)
				case c == 1 && r == 1:
					if doneByChild[k] {
						t.Fatalf("%s was journaled done by the child and copied again", k)
					}
					if resumeHeads[dst] == 0 {
						t.Fatalf("%s was in flight at the kill and copied again without a look at the destination", k)
					}
					twice++
				}
			}
			if twice > bulk.DefaultConcurrency {
				t.Fatalf("%d keys copied twice; at most the %d in flight at the kill may be", twice, bulk.DefaultConcurrency)
			}
			t.Logf("%s: child did %d (journaled), resumed run copied %d, %d in flight at the kill copied again after a HEAD showed no copy",
				op, len(doneByChild), len(resumeCopies), twice)
			if got := listKeys(t, svc, b, "dst/"); len(got) != n {
				t.Fatalf("%d keys under dst/, want %d", len(got), n)
			}
			left := listKeys(t, svc, b, "src/")
			if op == bulk.Move && len(left) != 0 {
				t.Fatalf("move left %d sources", len(left))
			}
			if op == bulk.Copy && len(left) != n {
				t.Fatalf("copy lost sources: %d left", len(left))
			}
		})
	}
}

// journalDone reads the keys a journal records as done.
func journalDone(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) == 4 && f[0] == "D" {
			done[strings.Trim(f[3], `"`)] = true
		}
	}
	return done
}
