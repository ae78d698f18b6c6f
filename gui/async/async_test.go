package async

import (
	"sync"
	"testing"
	"time"
)

func inline(f func()) { f() }

// The last value pushed arrives even when it came inside the interval, and
// values arrive no more often than the interval.
func TestThrottleDeliversLastValue(t *testing.T) {
	var mu sync.Mutex
	var got []int
	th := NewThrottle(50*time.Millisecond, inline, func(v int) {
		mu.Lock()
		got = append(got, v)
		mu.Unlock()
	})
	for i := 1; i <= 100; i++ {
		th.Push(i)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		last := 0
		if n > 0 {
			last = got[n-1]
		}
		mu.Unlock()
		if last == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("last value never delivered: %v", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != 1 {
		t.Fatalf("got %v, want [1 100]: the first at once, the last at the end of the interval", got)
	}
}

// Flush delivers a waiting value at once and no timer delivers it again.
func TestThrottleFlush(t *testing.T) {
	var got []string
	th := NewThrottle(time.Hour, inline, func(v string) { got = append(got, v) })
	th.Push("a")
	th.Push("b")
	th.Push("c")
	if len(got) != 1 || got[0] != "a" {
		t.Fatalf("before flush: %v", got)
	}
	th.Flush()
	th.Flush()
	if len(got) != 2 || got[1] != "c" {
		t.Fatalf("after flush: %v, want [a c]", got)
	}
}

func TestGenDropsStale(t *testing.T) {
	var g Gen
	ctx1, gen1 := g.Renew(t.Context())
	_, gen2 := g.Renew(t.Context())
	if ctx1.Err() == nil {
		t.Fatal("renew did not cancel the previous load")
	}
	if g.Current(gen1) || !g.Current(gen2) {
		t.Fatal("generation not tracked")
	}
	g.Stop()
	if g.Current(gen2) {
		t.Fatal("stop kept the load current")
	}
}

func TestJobsConnContext(t *testing.T) {
	j := New(t.Context())
	if j.Ctx() != j.Life() {
		t.Fatal("before a connection, work runs on the window's context")
	}
	ran := false
	j2 := WithUI(t.Context(), inline)
	j2.Go(func() { j2.Do(func() { ran = true }) })
	j2.Wait()
	if !ran {
		t.Fatal("Do did not run")
	}
}
