package bulk

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/atomicfile"
)

// syncEvery is how often done and failed records are made durable between
// cursor records.
const syncEvery = 500 * time.Millisecond

type counters struct{ done, failed, bytes atomic.Int64 }

// Run runs the job, or resumes it from its journal, until every item is
// done or failed, ctx ends, Pause is called or the account becomes
// unreachable (then the job is Paused with the reason, and Run again
// resumes it). It returns the error that stopped it, nil when it ran to
// the end (failed keys are in Failures, and the state says Failed).
func (j *Job) Run(ctx context.Context) error { return j.run(ctx, false) }

// RetryFailed runs the failed keys again, and only those.
func (j *Job) RetryFailed(ctx context.Context) error { return j.run(ctx, true) }

func (j *Job) run(ctx context.Context, retry bool) error {
	op, err := Operations(j.spec, j.m.store)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	j.mu.Lock()
	if j.cancel != nil {
		j.mu.Unlock()
		return j.opErr("the job is already running", nil)
	}
	// Another window (or S3 Desk process) on the same profile sees the
	// same jobs folder: only one may run a job, or both would send its
	// keys and interleave its journal.
	unlock, err := atomicfile.Lock(filepath.Join(j.dir, "run.lock"), "bulk job "+j.spec.ID, 0)
	if err != nil {
		j.mu.Unlock()
		return j.opErr("it is running in another S3 Desk window; follow it there", err)
	}
	defer unlock()
	jr, rep, err := openJournal(j.journalPath())
	if err != nil {
		j.mu.Unlock()
		return j.opErr("could not open its journal: "+err.Error(), err)
	}
	c := &counters{}
	c.done.Store(rep.nDone)
	c.failed.Store(int64(len(rep.failed)))
	c.bytes.Store(rep.bytes)
	j.cancel, j.live, j.started, j.base = cancel, c, time.Now(), rep.nDone+int64(len(rep.failed))
	j.st = Status{State: Running, Done: rep.nDone, Failed: int64(len(rep.failed)), Bytes: rep.bytes, Updated: time.Now()}
	j.mu.Unlock()
	_ = j.saveState()

	e := &engine{j: j, op: op, jr: jr, rep: rep, c: c, retry: retry, cancel: cancel, next: rep.maxPage + 1, seenBegun: map[string]bool{}}
	runErr := e.run(ctx)
	if cerr := jr.close(); runErr == nil && cerr != nil {
		runErr = j.opErr("could not write its journal: "+cerr.Error(), cerr)
	}

	j.mu.Lock()
	st := Status{Done: c.done.Load(), Failed: c.failed.Load(), Bytes: c.bytes.Load(), Updated: time.Now()}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errPaused):
		st.State, st.UserPaused, runErr = Paused, true, nil
	case runErr != nil && transient(runErr):
		st.State, st.Err = Paused, runErr.Error()
	case runErr != nil:
		st.State, st.Err = Failed, runErr.Error()
	case ctx.Err() != nil:
		st.State, runErr = Paused, storage.MapError("bulk "+string(j.spec.Op), j.spec.Source.Bucket, "", cause)
		st.Err = runErr.Error()
	case st.Failed > 0:
		st.State, st.Err = Failed, fmt.Sprintf("%d objects failed; retry them or download the failures list", st.Failed)
	default:
		st.State = Finished
	}
	j.st, j.cancel, j.live = st, nil, nil
	j.mu.Unlock()
	if err := j.saveState(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// transient tells whether err is about the account or the network as a
// whole (not the key): the job stops, keeps the key for a resume and does
// not record it as failed.
func transient(err error) bool {
	for _, k := range []error{storage.ErrEndpoint, storage.ErrUnavailable, storage.ErrExpiredCredentials,
		storage.ErrNoCredentials, storage.ErrClockSkew, storage.ErrTLS, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

type page struct {
	seq  int64
	src  int
	last string
	left int  // units not yet finished
	end  bool // the source's end marker
	lost bool // a unit ended without an outcome (cancelled): never complete
}

type unit struct {
	pg        *page
	items     []Item
	uncertain bool
}

type engine struct {
	j      *Job
	op     Operation
	jr     *journal
	rep    *replayed // read by the dispatcher only
	c      *counters
	retry  bool
	cancel context.CancelCauseFunc
	next   int64 // the next page number
	// seenBegun are the uncertain keys this run's listing showed.
	seenBegun map[string]bool

	mu      sync.Mutex
	pending []*page // pages in dispatch order, not yet cursored
	stopErr error
}

// stop ends the run with err (the first one wins).
func (e *engine) stop(err error) {
	e.mu.Lock()
	if e.stopErr == nil {
		e.stopErr = err
	}
	e.mu.Unlock()
	e.cancel(err)
}

func (e *engine) run(ctx context.Context) error {
	conc := e.j.spec.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	units := make(chan unit, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range units {
				e.work(ctx, u)
			}
		}()
	}
	tick := time.NewTicker(syncEvery)
	tickDone := make(chan struct{})
	tctx, tstop := context.WithCancel(ctx)
	go func() {
		defer close(tickDone)
		for {
			select {
			case <-tick.C:
				if err := e.jr.sync(); err != nil {
					e.stop(e.j.opErr("could not write its journal: "+err.Error(), err))
				}
			case <-tctx.Done():
				return
			}
		}
	}()
	e.dispatch(ctx, units)
	close(units)
	wg.Wait()
	tick.Stop()
	tstop()
	<-tickDone
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopErr
}

// dispatch lists the sources after their cursors and hands out the items
// not yet done.
func (e *engine) dispatch(ctx context.Context, units chan<- unit) {
	if e.retry {
		var items []Item
		for _, f := range e.rep.failures() {
			items = append(items, Item{Key: f.Key, Size: f.Size})
		}
		for i := 0; i < len(items); i += keysPage {
			if !e.send(ctx, units, -1, listed{items: items[i:min(i+keysPage, len(items))]}) {
				return
			}
		}
		return
	}
	for src := range e.j.spec.numSources() {
		if e.rep.srcDone[src] {
			continue
		}
		for l, err := range e.j.spec.pages(ctx, e.j.m.store, src, e.rep.cursor[src]) {
			if err != nil {
				if ctx.Err() == nil {
					e.stop(err)
				}
				return
			}
			if !e.send(ctx, units, src, l) {
				return
			}
		}
		if ctx.Err() != nil {
			return
		}
		e.register(&page{seq: e.nextSeq(), src: src, end: true})
	}
	// Keys in flight when an earlier run died that the listings no longer
	// show (a move or delete finished them before the crash, or they went
	// away): resolve them by name, so that they count once.
	var left []Item
	for k, b := range e.rep.begun {
		if !e.seenBegun[k] {
			left = append(left, Item{Key: k, Size: b.size})
		}
	}
	slices.SortFunc(left, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
	for i := 0; i < len(left); i += keysPage {
		if !e.send(ctx, units, -1, listed{items: left[i:min(i+keysPage, len(left))]}) {
			return
		}
	}
}

func (e *engine) nextSeq() int64 { e.next++; return e.next - 1 }

// send journals and hands out one listed page; false when the run stops.
func (e *engine) send(ctx context.Context, units chan<- unit, src int, l listed) bool {
	pg := &page{seq: e.nextSeq(), src: src, last: l.last}
	var fresh, unsure, todo []Item
	for _, it := range l.items {
		if _, ok := e.rep.done[it.Key]; ok {
			continue
		}
		if _, ok := e.rep.failed[it.Key]; ok && !e.retry {
			continue
		}
		if _, ok := e.rep.begun[it.Key]; ok {
			e.seenBegun[it.Key] = true
			unsure = append(unsure, it)
		} else {
			fresh = append(fresh, it)
		}
		todo = append(todo, it)
	}
	var us []unit
	for _, part := range []struct {
		items     []Item
		uncertain bool
	}{{fresh, false}, {unsure, true}} {
		for i := 0; i < len(part.items); i += e.op.Batch() {
			us = append(us, unit{pg: pg, items: part.items[i:min(i+e.op.Batch(), len(part.items))], uncertain: part.uncertain})
		}
	}
	if len(todo) > 0 {
		if err := e.jr.begin(pg.seq, todo); err != nil {
			e.stop(e.j.opErr("could not write its journal: "+err.Error(), err))
			return false
		}
	}
	pg.left = len(us)
	e.register(pg)
	for _, u := range us {
		select {
		case units <- u:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// register queues pg for the cursor; a page with nothing to do is complete.
func (e *engine) register(pg *page) {
	e.mu.Lock()
	e.pending = append(e.pending, pg)
	e.mu.Unlock()
	if pg.left == 0 {
		e.advance()
	}
}

// work applies one unit and records each item's outcome.
func (e *engine) work(ctx context.Context, u unit) {
	if ctx.Err() != nil {
		e.lose(u.pg)
		return
	}
	errs := e.op.Apply(ctx, u.items, u.uncertain)
	lost := false
	for i, it := range u.items {
		err := errs[i]
		switch {
		case err == nil:
			e.jr.done(u.pg.seq, it)
			e.c.done.Add(1)
			e.c.bytes.Add(it.Size)
			if e.retry {
				e.c.failed.Add(-1)
			}
		case ctx.Err() != nil:
			lost = true // no outcome: uncertain at the next run
		case transient(err):
			lost = true
			e.stop(err)
		default:
			e.jr.fail(u.pg.seq, it, err)
			if !e.retry {
				e.c.failed.Add(1)
			}
		}
	}
	if lost {
		e.lose(u.pg)
		return
	}
	e.mu.Lock()
	u.pg.left--
	e.mu.Unlock()
	e.advance()
}

func (e *engine) lose(pg *page) {
	e.mu.Lock()
	pg.lost = true
	e.mu.Unlock()
}

// advance writes cursor records for the completed pages at the head of the
// queue, in order.
func (e *engine) advance() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.pending) > 0 {
		pg := e.pending[0]
		if pg.left > 0 || pg.lost {
			return
		}
		e.pending = e.pending[1:]
		var err error
		switch {
		case pg.src < 0: // a retry: nothing to resume by position
			continue
		case pg.end:
			err = e.jr.sourceDone(pg.src)
		default:
			err = e.jr.cursor(pg.src, pg.seq, pg.last)
		}
		if err != nil {
			if e.stopErr == nil {
				e.stopErr = e.j.opErr("could not write its journal: "+err.Error(), err)
			}
			e.cancel(e.stopErr)
			return
		}
		if h := e.j.m.hooks.Synced; h != nil && !pg.end {
			h(e.c.done.Load())
		}
	}
}
