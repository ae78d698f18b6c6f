package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// partGate is a reverse proxy in front of the test server that holds every
// UploadPart request with a part number above after until Release. The
// tests use it to stop an upload at a known part instead of racing a
// throttled progress callback against the last part: an upload behind the
// gate cannot finish, however slow or fast the machine is.
type partGate struct {
	svc     *storage.Service // talks to the server through the gate
	after   int32
	held    chan struct{} // closed when the first part above after arrives
	release chan struct{}

	heldOnce, relOnce sync.Once
	mu                sync.Mutex
	passed            []int32 // part numbers forwarded after Release
	released          bool
	holding           int // requests waiting at the gate now
}

func newPartGate(t *testing.T, srv *s3test.Server, after int32) *partGate {
	t.Helper()
	g := &partGate{after: after, held: make(chan struct{}), release: make(chan struct{})}
	target, _ := neturl.Parse(srv.Endpoint)
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // SigV4 signed the gate's host
	}, ErrorHandler: func(http.ResponseWriter, *http.Request, error) {
		// The server is down: drop the connection as it would, rather than
		// answer 502 Bad Gateway.
		panic(http.ErrAbortHandler)
	}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, err := strconv.Atoi(q.Get("partNumber"))
		if r.Method != http.MethodPut || q.Get("uploadId") == "" || err != nil {
			rp.ServeHTTP(w, r)
			return
		}
		g.mu.Lock()
		if g.released {
			g.passed = append(g.passed, int32(n))
		}
		g.mu.Unlock()
		if int32(n) > g.after {
			// Read the body first: only then does net/http notice that the
			// client hung up and cancel r.Context().
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			g.mu.Lock()
			g.holding++
			g.mu.Unlock()
			g.heldOnce.Do(func() { close(g.held) })
			var gone bool
			select {
			case <-g.release:
			case <-r.Context().Done():
				gone = true
			}
			g.mu.Lock()
			g.holding--
			g.mu.Unlock()
			if gone {
				return // the client gave up (Close, Cancel): the part never reaches the server
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(g.Release) // runs first: lets held handlers end so ts.Close returns
	g.svc = storetest.ServiceVia(t, srv, ts.URL)
	return g
}

// Release lets every held and later part through.
func (g *partGate) Release() {
	g.relOnce.Do(func() {
		g.mu.Lock()
		g.released = true
		g.mu.Unlock()
		close(g.release)
	})
}

// waitGone waits until no request waits at the gate: after the client
// hung up, a later Release must not send its part to the server.
func (g *partGate) waitGone(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		g.mu.Lock()
		n := g.holding
		g.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests still held after the client hung up", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Passed lists the part numbers that went through after Release.
func (g *partGate) Passed() []int32 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int32(nil), g.passed...)
}

func (g *partGate) engine(t *testing.T, dataDir string, o transfer.TransferOptions) *transfer.Engine {
	t.Helper()
	e, err := transfer.New(g.svc).NewEngine(context.Background(), dataDir, o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// waitHeld waits until a part above the gate is on the wire and the journal
// of e records the parts below it: the upload is then mid-way at a known
// point. The deadline only bounds a hang; nothing races it.
func (g *partGate) waitHeld(t *testing.T, e *transfer.Engine, journaled int64) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	select {
	case <-g.held:
	case <-deadline:
		t.Fatalf("no part above %d reached the gate", g.after)
	}
	for {
		rs := e.Resumable()
		if len(rs) == 1 && rs[0].Uploaded >= journaled {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("journal never recorded %d bytes: %+v", journaled, rs)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

const resumePart = 5 << 20

// startPausedUpload uploads path in 5 MiB parts through a gate that holds
// part 4, and closes the engine (the app quits or is killed) once parts 1-3
// are on the server and journaled. It returns the gate, still closed, whose
// endpoint the journal recorded.
func startPausedUpload(t *testing.T, srv *s3test.Server, bucket, data, path string) *partGate {
	t.Helper()
	g := newPartGate(t, srv, 3)
	e := g.engine(t, data, transfer.TransferOptions{PartSize: resumePart, Concurrency: 1, MultipartThreshold: resumePart})
	plan, _ := e.PlanUpload(context.Background(), "", []string{path})
	done := make(chan transfer.BatchResult, 1)
	go func() {
		done <- e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil)
	}()
	g.waitHeld(t, e, 3*resumePart)
	e.Close()
	var res transfer.BatchResult
	select {
	case res = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("Upload did not return after Close")
	}
	if res.Items[0].State != transfer.StatePaused {
		t.Fatalf("want paused, got %v: %v", res.Items[0].State, res.Items[0].Err)
	}
	g.waitGone(t) // part 4 was dropped, not delayed
	if n := incomplete(t, srv, bucket); n != 1 {
		t.Fatalf("want the incomplete upload kept on the server, got %d", n)
	}
	return g
}

func TestResumeAfterRestart(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	data := t.TempDir()
	p := randFile(t, t.TempDir(), "big.bin", 33<<20+123) // 7 parts, the last one short
	g := startPausedUpload(t, srv, bucket, data, p)
	g.Release()

	e := g.engine(t, data, transfer.TransferOptions{})
	rs := e.Resumable()
	if len(rs) != 1 || rs[0].Uploaded != 3*resumePart || rs[0].Key != "big.bin" {
		t.Fatalf("resumable: %+v", rs)
	}
	var mu sync.Mutex
	var first int64 = -1
	err := e.Resume(context.Background(), rs[0].ID, func(pr transfer.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if first < 0 {
			first = pr.Done
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if first < 3*resumePart {
		t.Fatalf("resume started from %d bytes, not from the parts already sent", first)
	}
	sent := g.Passed() // a retried part may show twice
	parts := map[int32]bool{}
	for _, n := range sent {
		parts[n] = true
	}
	if len(parts) != 4 || !parts[4] || !parts[5] || !parts[6] || !parts[7] {
		t.Fatalf("resume sent parts %v, want exactly 4-7 (1-3 are on the server)", sent)
	}
	got, err := getBytes(t, srv, bucket, "big.bin")
	want, _ := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("not byte-identical after resume: %v", err)
	}
	if n := incomplete(t, srv, bucket); n != 0 || len(e.Resumable()) != 0 {
		t.Fatalf("left: %d incomplete, %d journaled", n, len(e.Resumable()))
	}
}

func TestResumeRefusesChangedFile(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	data := t.TempDir()
	p := randFile(t, t.TempDir(), "big.bin", 30<<20)
	g := startPausedUpload(t, srv, bucket, data, p)
	g.Release()
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}

	e := g.engine(t, data, transfer.TransferOptions{})
	rs := e.Resumable()
	if len(rs) != 1 {
		t.Fatalf("resumable: %+v", rs)
	}
	err := e.Resume(context.Background(), rs[0].ID, nil)
	if !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("want ErrConflict for a changed file, got %v", err)
	}
	if sent := g.Passed(); len(sent) != 0 {
		t.Fatalf("parts %v sent for a changed file", sent)
	}
	if err := e.Discard(context.Background(), rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := incomplete(t, srv, bucket); n != 0 || len(e.Resumable()) != 0 {
		t.Fatalf("after discard: %d incomplete", n)
	}
}
