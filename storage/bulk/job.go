package bulk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/atomicfile"
)

// State is where a job stands.
type State string

// The states of a job. A job that was running when the app died reads as
// Paused: Resume carries on from its journal.
const (
	Pending  State = "pending"  // created (dry run done), not started
	Running  State = "running"  // working now
	Paused   State = "paused"   // stopped by the user, a crash or a lost network; resumable
	Finished State = "finished" // every item done
	Failed   State = "failed"   // ended with failed keys, or stopped by an error
)

// Status is a job's progress.
type Status struct {
	State State
	Err   string // why it stopped (Failed, or a Paused job's last error)
	// UserPaused: paused by Pause, not by a closed app, a crash or a lost
	// network (those resume on their own when the account is back).
	UserPaused bool
	Done       int64
	Failed     int64
	Bytes      int64
	Updated    time.Time
	// Rate is objects per second since this run started (0 when not
	// running); ETA the time left at that rate (0 when unknown).
	Rate float64
	ETA  time.Duration
}

// Hooks let tests watch a job. Zero hooks do nothing.
type Hooks struct {
	// Synced is called after each durable cursor record, with the count of
	// objects done so far.
	Synced func(done int64)
}

// Manager keeps the jobs of one account in a folder of the app's state.
type Manager struct {
	dir   string
	store Store
	hooks Hooks

	mu   sync.Mutex
	jobs map[string]*Job
}

// Open loads the jobs under dir (created if missing). A job found
// "running" was cut off by a crash: it is Paused.
func Open(dir string, store Store, hooks Hooks) (*Manager, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &storage.Error{Op: "bulk jobs", Kind: storage.ErrInvalidArgument,
			Msg: "could not create the bulk jobs folder " + dir + ": " + err.Error(), Err: err}
	}
	m := &Manager{dir: dir, store: store, hooks: hooks, jobs: map[string]*Job{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		j, err := loadJob(m, filepath.Join(dir, e.Name()))
		if err != nil {
			continue // a job folder half made by a crash during Create
		}
		m.jobs[j.spec.ID] = j
	}
	return m, nil
}

// Create saves a new job for spec (Pending). The spec's ID and Created are
// filled in.
func (m *Manager) Create(spec Spec) (*Job, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	spec.Created = time.Now().UTC()
	spec.ID = spec.Created.Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
	spec.Source = spec.Source.normalize()
	dir := filepath.Join(m.dir, spec.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	j := &Job{m: m, dir: dir, spec: spec, st: Status{State: Pending, Updated: time.Now()}}
	if err := j.saveState(); err != nil {
		return nil, err
	}
	// spec.json last: a folder without it is not a job (Open skips it).
	if err := atomicfile.Write(filepath.Join(dir, "spec.json"), data, atomicfile.Options{}); err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.jobs[spec.ID] = j
	m.mu.Unlock()
	return j, nil
}

func dedupe(items []Item) []Item {
	seen := make(map[string]bool, len(items))
	out := items[:0:0]
	for _, it := range items {
		if !seen[it.Key] {
			seen[it.Key] = true
			out = append(out, it)
		}
	}
	return out
}

// Jobs lists the jobs, oldest first.
func (m *Manager) Jobs() []*Job {
	m.mu.Lock()
	out := make([]*Job, 0, len(m.jobs))
	for _, j := range m.jobs {
		out = append(out, j)
	}
	m.mu.Unlock()
	sort.Slice(out, func(a, b int) bool { return out[a].spec.ID < out[b].spec.ID })
	return out
}

// Job is the job of id, or nil.
func (m *Manager) Job(id string) *Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.jobs[id]
}

// Remove forgets a job that is not running, with its journal.
func (m *Manager) Remove(id string) error {
	m.mu.Lock()
	j := m.jobs[id]
	m.mu.Unlock()
	if j == nil {
		return nil
	}
	if j.Status().State == Running {
		return &storage.Error{Op: "remove bulk job", Kind: storage.ErrConflict, Msg: "the job is running; pause it first"}
	}
	m.mu.Lock()
	delete(m.jobs, id)
	m.mu.Unlock()
	return os.RemoveAll(j.dir)
}

// Job is one bulk job. Its methods are safe for concurrent use.
type Job struct {
	m    *Manager
	dir  string
	spec Spec

	mu      sync.Mutex
	st      Status
	cancel  context.CancelCauseFunc // of the running run, nil when not running
	started time.Time               // this run's start, for the rate
	base    int64                   // Done+Failed when this run started
	live    *counters               // the running run's counters
}

// errPaused is the cause of a Pause.
var errPaused = errors.New("paused")

func loadJob(m *Manager, dir string) (*Job, error) {
	data, err := os.ReadFile(filepath.Join(dir, "spec.json"))
	if err != nil {
		return nil, err
	}
	var spec Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, err
	}
	j := &Job{m: m, dir: dir, spec: spec, st: Status{State: Paused}}
	if data, err := os.ReadFile(filepath.Join(dir, "state.json")); err == nil {
		_ = json.Unmarshal(data, &j.st)
	}
	if j.st.State == Running {
		j.st.State = Paused
		j.st.Err = "interrupted: S3 Desk stopped while the job ran"
	}
	return j, nil
}

// Spec is what the job does.
func (j *Job) Spec() Spec { return j.spec }

// ID names the job.
func (j *Job) ID() string { return j.spec.ID }

// Status is the job's state and progress now.
func (j *Job) Status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := j.st
	if c := j.live; c != nil && st.State == Running {
		st.Done, st.Failed, st.Bytes = c.done.Load(), c.failed.Load(), c.bytes.Load()
		if el := time.Since(j.started).Seconds(); el > 0.5 {
			st.Rate = float64(st.Done+st.Failed-j.base) / el
		}
		if left := j.spec.PlannedObjects - st.Done - st.Failed; st.Rate > 0 && left > 0 {
			st.ETA = time.Duration(float64(left) / st.Rate * float64(time.Second))
		}
	}
	return st
}

// Pause stops a running job; its journal keeps the progress.
func (j *Job) Pause() {
	j.mu.Lock()
	c := j.cancel
	j.mu.Unlock()
	if c != nil {
		c(errPaused)
	}
}

// saveState writes state.json atomically (callers hold no lock on st
// changes racing: it is written by the run and Create only).
func (j *Job) saveState() error {
	j.mu.Lock()
	st := j.st
	j.mu.Unlock()
	st.Rate, st.ETA = 0, 0
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(j.dir, "state.json"), data, atomicfile.Options{})
}

func (j *Job) journalPath() string { return filepath.Join(j.dir, "journal.log") }

// Failures lists the keys that failed, with their errors, in the order they
// failed.
func (j *Job) Failures() ([]Failure, error) {
	r, _, err := readJournal(j.journalPath())
	if err != nil {
		return nil, err
	}
	return r.failures(), nil
}

func (j *Job) opErr(msg string, err error) error {
	return &storage.Error{Op: "bulk " + string(j.spec.Op), Bucket: j.spec.Source.Bucket, Kind: storage.ErrConflict,
		Msg: fmt.Sprintf("bulk %s: %s", j.spec.Op, msg), Err: err}
}
