package transfer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/internal/verify"
)

// TransferOptions tunes the transfer engine.
//
// Memory is bounded, never by file size: one multipart upload at a time
// (Upload and Resume alike) holds at most (Concurrency+1) × PartSize bytes
// of part buffers plus its first read (twice the larger of PartSize and
// MultipartThreshold; memory.go), kept within
// PartBufferBudget however large the file (memory.go), and each of the Files
// small-file workers holds at most MultipartThreshold bytes (MemoryBound).
// ValidateTransferOptions refuses options beyond the budget. Downloads write
// each GET straight into the file and buffer almost nothing.
type TransferOptions struct {
	// PartSize is the size of one multipart part (minimum 5 MiB).
	PartSize int64
	// Concurrency is the number of parts of one file in flight at once.
	Concurrency int
	// Files is the number of small files transferred in parallel.
	Files int
	// MultipartThreshold: files of at least this size use multipart.
	MultipartThreshold int64
	// Limiter caps the bytes per second of all uploads and downloads that
	// share it (Settings → bandwidth limit); nil means no limit.
	Limiter *RateLimiter
}

// Defaults: 16 MiB parts × 4 uploaded fastest of the sizes measured by
// BenchmarkTransferTune on versitygw (figures in storage/transfer/TUNING.md),
// with part buffers bounded at (4+1) × 16 = 80 MiB. The threshold equals the
// part size so that no file becomes a one-part multipart upload.
const (
	DefaultPartSize           = 16 << 20
	DefaultConcurrency        = 4
	DefaultFiles              = 8
	DefaultMultipartThreshold = 16 << 20
	minPartSize               = 5 << 20
)

// DefaultTransferOptions returns the measured defaults.
func DefaultTransferOptions() TransferOptions {
	return TransferOptions{PartSize: DefaultPartSize, Concurrency: DefaultConcurrency,
		Files: DefaultFiles, MultipartThreshold: DefaultMultipartThreshold}
}

func (o TransferOptions) resolved() TransferOptions {
	d := DefaultTransferOptions()
	if o.PartSize <= 0 {
		o.PartSize = d.PartSize
	}
	if o.PartSize < minPartSize {
		o.PartSize = minPartSize
	}
	if o.Concurrency <= 0 {
		o.Concurrency = d.Concurrency
	}
	if o.Files <= 0 {
		o.Files = d.Files
	}
	if o.MultipartThreshold <= 0 {
		o.MultipartThreshold = d.MultipartThreshold
	}
	return o
}

// MemoryBound is the most bytes of transfer buffers the engine holds at
// once: one multipart upload's part buffers (never above PartBufferBudget
// for large files, whose concurrency is lowered as parts grow) and the
// small-file workers' reads.
func (o TransferOptions) MemoryBound() int64 {
	o = o.resolved()
	return partBuffers(o.PartSize, o.Concurrency, o.MultipartThreshold) + int64(o.Files+1)*o.MultipartThreshold
}

// TransferState is where one transfer stands.
type TransferState int

const (
	StateQueued TransferState = iota
	StateRunning
	StateDone
	StateSkipped
	StateFailed
	StateCancelled
	StatePaused // interrupted by Close; resumable after restart
)

func (s TransferState) String() string {
	return [...]string{"queued", "running", "done", "skipped", "failed", "cancelled", "paused"}[s]
}

// Finished tells whether the state is final.
func (s TransferState) Finished() bool { return s >= StateDone }

// Progress is one update about one transfer, with the batch totals.
type Progress struct {
	ID     int64
	Upload bool
	Bucket string
	Key    string // the final key (after a rename, the new one)
	Path   string // local path
	State  TransferState
	Err    error  // set when Failed; reason when Skipped
	Note   string // e.g. "renamed to x (1).txt"
	Done   int64
	Total  int64
	Speed  float64       // bytes per second
	ETA    time.Duration // -1 when unknown
	// Retries is how many requests of this transfer the retry policy sent
	// again (throttling, server errors, broken connections, bad bodies).
	Retries int
	// Verified says what a finished download was checked against, e.g.
	// "CRC64NVME verified", "MD5 verified" or "size only: the server gave
	// no checksum".
	Verified string
	Batch    BatchProgress
}

// BatchProgress verify.Sums a batch.
type BatchProgress struct {
	Files, FilesDone, FilesFailed, FilesSkipped int
	Done, Total                                 int64
	Speed                                       float64
	ETA                                         time.Duration
	Elapsed                                     time.Duration
}

// ProgressFunc receives progress. It is called from transfer goroutines,
// often (per part); the GUI must throttle what it draws.
type ProgressFunc func(Progress)

// Skipped reports one file or key left out of a batch, and why.
type Skipped struct {
	Path   string // local path (uploads) or key (downloads)
	Reason string
}

// BatchResult is what a batch did.
type BatchResult struct {
	Done, Failed, SkippedN, Cancelled int
	Bytes                             int64
	Items                             []Progress // final state of each item
}

// ErrPaused is the cause when Close interrupts transfers: multipart uploads
// are kept on the server and in the journal, to resume on the next start.
var ErrPaused = errors.New("transfer paused: the app is closing")

// Engine moves files. Create one per storage.Service with NewEngine; it is safe for
// concurrent use.
type Engine struct {
	s       *storage.Service
	acc     core.Access // the SDK client the transfer manager needs (storage/internal/core)
	opts    TransferOptions
	dataDir string
	tm      *tm.Client
	journal *journal

	mu      sync.Mutex
	running map[int64]context.CancelCauseFunc
	closed  bool
	bigSem  chan struct{} // one multipart upload at a time bounds memory

	namedTemps bool // downloads use temp names even where unnamed files work (tests)

	// The account's identity and the background abort loop (account.go).
	identMu      sync.Mutex
	ident        identity
	identReady   chan struct{}
	bgCtx        context.Context
	bgStop       context.CancelFunc
	bgDone       chan struct{}
	kick         chan struct{}
	abortBackoff atomic.Int64 // first retry delay; 0 = abortBackoffMin

	partBudget, maxParts int64 // 0 = PartBufferBudget, 10,000 (tests lower them)

	keysMu sync.Mutex
	keys   map[string]storage.ObjectEncryption // SSE-C keys by their MD5, in memory only (encryption.go)
}

// Service is a storage.Service that also builds transfer engines; it has
// every method of the service it embeds (listing and aborting incomplete
// uploads among them).
type Service struct{ *storage.Service }

// New is svc with transfer engines.
func New(svc *storage.Service) *Service { return &Service{svc} }

// NewEngine builds a transfer engine. dataDir keeps the resume journal
// (usually the app's data directory); on start it removes temp files left by
// a crash. It returns at once: learning the account's identity and retrying
// the aborts that could not reach the server (this account's only) happen in
// the background, bounded by ctx and Close.
func (s *Service) NewEngine(ctx context.Context, dataDir string, opts TransferOptions) (*Engine, error) {
	return newEngine(ctx, s.Service, dataDir, opts)
}

func newEngine(ctx context.Context, s *storage.Service, dataDir string, opts TransferOptions) (*Engine, error) {
	opts = opts.resolved()
	j, err := openJournal(dataDir)
	if err != nil {
		return nil, err
	}
	e := &Engine{s: s, acc: core.Of(s), opts: opts, dataDir: dataDir, journal: j,
		running: map[int64]context.CancelCauseFunc{}, bigSem: make(chan struct{}, 1)}
	e.tm = tm.New(e.acc.Client, func(o *tm.Options) {
		o.PartSizeBytes = opts.PartSize
		o.Concurrency = opts.Concurrency
		o.MultipartUploadThreshold = opts.MultipartThreshold
		// A fresh context for the abort after a cancel or failure, so no
		// orphan parts stay on the server.
		o.FailTimeout = 30 * time.Second
		// A part whose body breaks off or fails its checksum is fetched
		// again (storage/retry.go); requests follow the client's retryer.
		o.PartBodyMaxRetries = verify.BodyAttempts
		if s.Compatibility() {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}
	})
	e.journal.cleanStaleTemps(s.Logger())
	e.startBackground(ctx)
	return e, nil
}

// Options are the engine's resolved options.
func (e *Engine) Options() TransferOptions { return e.opts }

// NewID returns a fresh transfer ID, for callers that want to know the ID
// before a batch starts (to cancel a row).
func (e *Engine) NewID() int64 { return transferIDs.Add(1) }

// transferIDs numbers transfers across every engine of the process, so that
// after switching accounts the rows of the old engine and the new one (shown
// side by side in one panel) never share an ID.
var transferIDs atomic.Int64

// Cancel stops one transfer (queued or running). A multipart upload is
// aborted on the server.
func (e *Engine) Cancel(id int64) {
	e.mu.Lock()
	c := e.running[id]
	e.mu.Unlock()
	if c != nil {
		c(context.Canceled)
	}
}

// Close interrupts every transfer with ErrPaused: multipart uploads stay on
// the server and in the journal, to Resume on the next start.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed = true
	cs := make([]context.CancelCauseFunc, 0, len(e.running))
	for _, c := range e.running {
		cs = append(cs, c)
	}
	e.mu.Unlock()
	for _, c := range cs {
		c(ErrPaused)
	}
	e.stopBackground()
}

func (e *Engine) register(ctx context.Context, id int64) (context.Context, func(), error) {
	c, cancel := context.WithCancelCause(ctx)
	c = verify.WithRetryCounter(c, new(atomic.Int64)) // Progress.Retries (storage/internal/verify)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		cancel(ErrPaused)
		return c, func() {}, ErrPaused
	}
	e.running[id] = cancel
	return c, func() {
		e.mu.Lock()
		delete(e.running, id)
		e.mu.Unlock()
		cancel(nil)
	}, nil
}

// stateFor turns an error into a final state.
func stateFor(ctx context.Context, err error) TransferState {
	switch {
	case err == nil:
		return StateDone
	case errors.Is(context.Cause(ctx), ErrPaused):
		return StatePaused
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return StateCancelled
	case ctx.Err() != nil:
		return StateCancelled
	}
	return StateFailed
}

// meter measures speed as an exponentially weighted rate.
type meter struct {
	start    time.Time
	lastT    time.Time
	lastDone int64
	rate     float64
}

func (m *meter) update(now time.Time, done, total int64) (float64, time.Duration) {
	if m.start.IsZero() {
		m.start, m.lastT = now, now
	}
	if dt := now.Sub(m.lastT).Seconds(); dt >= 0.2 {
		inst := float64(done-m.lastDone) / dt
		if m.rate == 0 {
			m.rate = inst
		} else {
			m.rate = 0.7*m.rate + 0.3*inst
		}
		m.lastT, m.lastDone = now, done
	} else if m.rate == 0 {
		if el := now.Sub(m.start).Seconds(); el > 0.05 {
			m.rate = float64(done) / el
		}
	}
	eta := time.Duration(-1)
	if m.rate > 0 && total >= done {
		eta = time.Duration(float64(total-done) / m.rate * float64(time.Second))
	}
	return m.rate, eta
}

// batch tracks the items of one Upload or Download call.
type batch struct {
	mu    sync.Mutex
	fn    ProgressFunc
	total meter
	sum   BatchProgress
	start time.Time
	items map[int64]*itemState
}

type itemState struct {
	p Progress
	m meter
}

func newBatch(fn ProgressFunc) *batch {
	return &batch{fn: fn, start: time.Now(), items: map[int64]*itemState{}}
}

func (b *batch) add(p Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items[p.ID] = &itemState{p: p}
	b.sum.Files++
	b.sum.Total += p.Total
}

// update applies f to item id and reports it.
func (b *batch) update(id int64, f func(p *Progress)) {
	b.mu.Lock()
	it := b.items[id]
	if it == nil {
		b.mu.Unlock()
		return
	}
	oldDone, oldTotal, oldState := it.p.Done, it.p.Total, it.p.State
	f(&it.p)
	now := time.Now()
	b.sum.Done += it.p.Done - oldDone
	b.sum.Total += it.p.Total - oldTotal
	if !oldState.Finished() && it.p.State.Finished() {
		switch it.p.State {
		case StateDone:
			b.sum.FilesDone++
		case StateSkipped:
			b.sum.FilesSkipped++
			b.sum.Total -= it.p.Total - it.p.Done // a skipped file no longer counts
		default:
			b.sum.FilesFailed++
			b.sum.Total -= it.p.Total - it.p.Done
		}
	}
	it.p.Speed, it.p.ETA = it.m.update(now, it.p.Done, it.p.Total)
	if it.p.State.Finished() {
		it.p.ETA = 0
	}
	b.sum.Speed, b.sum.ETA = b.total.update(now, b.sum.Done, b.sum.Total)
	b.sum.Elapsed = now.Sub(b.start)
	it.p.Batch = b.sum
	p := it.p
	b.mu.Unlock()
	if b.fn != nil {
		b.fn(p)
	}
}

func (b *batch) result() BatchResult {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r BatchResult
	for _, it := range b.items {
		r.Items = append(r.Items, it.p)
		switch it.p.State {
		case StateDone:
			r.Done++
			r.Bytes += it.p.Total
		case StateSkipped:
			r.SkippedN++
		case StateCancelled, StatePaused:
			r.Cancelled++
		default:
			r.Failed++
		}
	}
	return r
}

// runPool runs work(i) for i in [0,n) on at most workers goroutines.
func runPool(n, workers int, work func(i int)) {
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				work(i)
			}
		}()
	}
	wg.Wait()
}

// settle records how one transfer of a batch ended: skipped (with the
// reason), failed or cancelled, or done.
func settle(p *Progress, c context.Context, skipped string, err error) {
	p.Retries = verify.RetriesIn(c)
	switch {
	case skipped != "":
		p.State, p.Err = StateSkipped, errors.New(skipped)
	case err != nil:
		p.State, p.Err = stateFor(c, err), err
	default:
		p.State, p.Done = StateDone, p.Total
	}
}
