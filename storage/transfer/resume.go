package transfer

// Resume after restart.
//
// The transfer manager runs each multipart upload from start to finish in one
// call and has no way to continue an upload it did not start. So the engine
// journals every multipart upload it starts (UploadId, part size, the parts
// the server acknowledged, the local file's size and mtime) through the S3
// client it gives the transfer manager (tmClient in tmclient.go). Resuming
// then needs the lower-level calls: ListParts to learn what the server has,
// UploadPart for the missing parts, CompleteMultipartUpload to finish. Those
// are here, and only here.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"s3desk/storage/internal/atomicfile"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

type journalPart struct {
	Number    int32
	Size      int64
	ETag      string
	CRC32     string `json:",omitempty"`
	CRC32C    string `json:",omitempty"`
	CRC64NVME string `json:",omitempty"`
	SHA1      string `json:",omitempty"`
	SHA256    string `json:",omitempty"`
}

type uploadRecord struct {
	ID       string
	Endpoint string
	// The account that started the upload (storage/account.go).
	Profile           string `json:",omitempty"`
	AccountID         string `json:",omitempty"`
	AccessKeyID       string `json:",omitempty"`
	Temporary         bool   `json:",omitempty"`
	Bucket, Key, Path string
	Size              int64
	ModTime           time.Time
	PartSize          int64
	UploadID          string
	ChecksumAlgorithm string `json:",omitempty"`
	IfNoneMatch       bool   `json:",omitempty"`
	// SSECKeyMD5 marks an upload encrypted with a customer key (SSE-C):
	// the key's MD5, never the key, which is kept only in memory.
	SSECKeyMD5   string `json:",omitempty"`
	AbortPending bool   `json:",omitempty"`
	Started      time.Time
	Parts        []journalPart
}

type tempRecord struct {
	Dir  string // the chosen download folder
	Name string // the temp file, relative to Dir; "" = every engine temp file under Dir
}

// journal keeps one small JSON file per multipart upload and per download in
// flight, under dataDir/transfers.
type journal struct {
	dir string
	mu  sync.Mutex
}

func openJournal(dataDir string) (*journal, error) {
	if dataDir == "" {
		return nil, &storage.Error{Op: "open transfer journal", Kind: storage.ErrInvalidArgument,
			Msg: "open transfer journal: no data directory given"}
	}
	dir := filepath.Join(dataDir, "transfers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &storage.Error{Op: "open transfer journal", Kind: storage.ErrInvalidArgument, Err: err,
			Msg: fmt.Sprintf("open transfer journal: cannot create %s: %s", dir, pathErrText(err))}
	}
	return &journal{dir: dir}, nil
}

func (j *journal) write(name string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return atomicfile.Write(filepath.Join(j.dir, name), data, atomicfile.Options{TempPattern: "." + name + "-*.tmp"})
}

func (j *journal) save(r *uploadRecord) error { return j.write("up-"+r.ID+".json", r) }

func (j *journal) remove(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = os.Remove(filepath.Join(j.dir, "up-"+id+".json"))
}

func (j *journal) load(id string) (*uploadRecord, error) {
	if strings.ContainsAny(id, `/\.`) || id == "" {
		return nil, &storage.Error{Op: "resume upload", Kind: storage.ErrNotFound, Msg: "resume upload: no such storage.IncompleteListing upload"}
	}
	j.mu.Lock()
	data, err := os.ReadFile(filepath.Join(j.dir, "up-"+id+".json"))
	j.mu.Unlock()
	if err != nil {
		return nil, &storage.Error{Op: "resume upload", Kind: storage.ErrNotFound, Err: err,
			Msg: "resume upload: this storage.IncompleteListing upload is no longer recorded (it finished or was discarded)"}
	}
	var r uploadRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, &storage.Error{Op: "resume upload", Kind: storage.ErrProtocol, Err: err, Msg: "resume upload: the journal entry is damaged; discard it"}
	}
	return &r, nil
}

func (j *journal) uploads() []*uploadRecord {
	names, _ := filepath.Glob(filepath.Join(j.dir, "up-*.json"))
	var out []*uploadRecord
	for _, n := range names {
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(n), "up-"), ".json")
		if r, err := j.load(id); err == nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Started.Before(out[b].Started) })
	return out
}

func (j *journal) addTemp(dir, name string) string {
	id := newRecordID()
	_ = j.write("dl-"+id+".json", tempRecord{Dir: dir, Name: name})
	return id
}

func (j *journal) removeTemp(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	_ = os.Remove(filepath.Join(j.dir, "dl-"+id+".json"))
}

// cleanStaleTemps removes download temp files that a crash left behind.
// It removes them through os.Root, and only names the engine made.
func (j *journal) cleanStaleTemps(log *slog.Logger) {
	names, _ := filepath.Glob(filepath.Join(j.dir, "dl-*.json"))
	for _, n := range names {
		data, err := os.ReadFile(n)
		var r tempRecord
		if err == nil && json.Unmarshal(data, &r) == nil && (r.Name == "" || isTempName(r.Name)) {
			if root, err := os.OpenRoot(r.Dir); err == nil {
				names := []string{r.Name}
				if r.Name == "" {
					names = tempsUnder(root)
				}
				for _, name := range names {
					if err := root.Remove(name); err == nil {
						log.Info("removed a temp file left by an interrupted download", "dir", r.Dir, "name", name)
					}
				}
				root.Close()
			}
		}
		_ = os.Remove(n)
	}
}

// ResumableUpload is a multipart upload interrupted by closing or killing
// the app, which Resume can finish.
type ResumableUpload struct {
	ID           string
	Bucket, Key  string
	Path         string
	UploadID     string
	Size         int64
	PartSize     int64
	Uploaded     int64 // bytes in parts the server acknowledged
	Started      time.Time
	AbortPending bool // cancelled while the server was unreachable; RetryAborts finishes it
}

// Resumable lists the interrupted multipart uploads of this engine's
// account (never another profile's). It waits for the account's identity,
// which the engine learns in the background (at most ~15 s), so call it
// off the UI goroutine.
func (e *Engine) Resumable() []ResumableUpload {
	var out []ResumableUpload
	for _, r := range e.journal.uploads() {
		if !e.ownsRecord(r) {
			continue
		}
		u := ResumableUpload{ID: r.ID, Bucket: r.Bucket, Key: r.Key, Path: r.Path, UploadID: r.UploadID,
			Size: r.Size, PartSize: r.PartSize, Started: r.Started, AbortPending: r.AbortPending}
		for _, p := range r.Parts {
			u.Uploaded += p.Size
		}
		out = append(out, u)
	}
	return out
}

// Discard aborts an interrupted upload on the server and forgets it.
func (e *Engine) Discard(ctx context.Context, id string) error {
	r, err := e.journal.load(id)
	if err != nil {
		return err
	}
	if !e.ownsRecord(r) {
		return notOwned(r)
	}
	_, err = e.acc.Client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: &r.Bucket, Key: &r.Key, UploadId: &r.UploadID}, e.acc.BucketOpts(r.Bucket)...)
	if err != nil && !isNoSuchUpload(err) {
		return storage.MapError("discard storage.IncompleteListing upload", r.Bucket, r.Key, err)
	}
	e.journal.remove(id)
	return nil
}

// RetryAborts aborts this account's uploads whose abort could not reach
// the server (cancelled or failed while it was down). It returns how many it
// aborted. The engine runs it in the background from NewEngine on, and again
// with backoff while some abort keeps failing, until Close.
func (e *Engine) RetryAborts(ctx context.Context) (int, error) {
	n := 0
	var first error
	for _, r := range e.journal.uploads() {
		// A record without identity may be another account's: only the
		// user discards it, never a background abort.
		if !r.AbortPending || legacy(r) || !e.ownsRecord(r) {
			continue
		}
		c, cancel := context.WithTimeout(ctx, abortTimeout)
		err := e.Discard(c, r.ID)
		cancel()
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}

// Resume finishes an interrupted multipart upload from the parts the server
// already has. It refuses (storage.ErrConflict) when the local file changed since.
func (e *Engine) Resume(ctx context.Context, id string, fn ProgressFunc) error {
	r, err := e.journal.load(id)
	if err != nil {
		return err
	}
	if !e.ownsRecord(r) {
		return notOwned(r)
	}
	if r.AbortPending {
		return &storage.Error{Op: "resume upload", Bucket: r.Bucket, Key: r.Key, Kind: storage.ErrConflict,
			Msg: "resume upload: this upload was cancelled; it can only be discarded"}
	}
	if err := fileUnchanged(r.Path, r.Size, r.ModTime); err != nil {
		return err
	}
	if _, ok := e.customerKey(r); !ok {
		return needKey(r)
	}
	tid := e.NewID()
	ctx, done, err := e.register(ctx, tid)
	defer done()
	if err != nil {
		return err
	}
	b := newBatch(fn)
	b.add(Progress{ID: tid, Upload: true, Bucket: r.Bucket, Key: r.Key, Path: r.Path, State: StateQueued, Total: r.Size, ETA: -1})
	select { // one multipart upload at a time, as for Upload
	case e.bigSem <- struct{}{}:
		defer func() { <-e.bigSem }()
	case <-ctx.Done():
		err := storage.MapError("resume upload", r.Bucket, r.Key, context.Cause(ctx))
		b.update(tid, func(p *Progress) { p.State, p.Err = stateFor(ctx, err), err })
		return err
	}
	err = e.resume(ctx, r, tid, b, e.opts.Concurrency) // reports Running once it knows what the server has
	b.update(tid, func(p *Progress) {
		p.State, p.Err = stateFor(ctx, err), err
		if err == nil {
			p.Done = p.Total
		}
	})
	return err
}

// resume sends the parts of r that the server lacks, conc at a time, each
// read straight from the file as it goes out (no part buffers), and
// completes the upload. Upload uses it too, for files whose parts are too
// large to buffer (memory.go).
func (e *Engine) resume(ctx context.Context, r *uploadRecord, tid int64, b *batch, conc int) error {
	opts := e.acc.BucketOpts(r.Bucket)
	have := map[int32]s3types.Part{}
	for page, err := range e.acc.PartPages(ctx, "resume upload", r.Bucket, r.Key, r.UploadID) {
		if err != nil {
			return storage.IncompleteListing(err, "resume upload", r.Bucket, r.Key,
				"nothing more was uploaded and the upload is kept: try resuming again later")
		}
		for _, p := range page.Parts {
			have[aws.ToInt32(p.PartNumber)] = p
		}
	}
	journaled := map[int32]journalPart{}
	for _, p := range r.Parts {
		journaled[p.Number] = p
	}
	nParts := int32((r.Size + r.PartSize - 1) / r.PartSize)
	if nParts == 0 {
		nParts = 1
	}
	var todo []int32
	completed := make([]s3types.CompletedPart, nParts)
	var already int64
	for n := int32(1); n <= nParts; n++ {
		want := min(r.PartSize, r.Size-int64(n-1)*r.PartSize)
		p, ok := have[n]
		jp, jok := journaled[n]
		if ok && aws.ToInt64(p.Size) == want && (!jok || jp.ETag == aws.ToString(p.ETag)) {
			completed[n-1] = s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: p.ETag,
				ChecksumCRC32: firstNonEmpty(p.ChecksumCRC32, jp.CRC32), ChecksumCRC32C: firstNonEmpty(p.ChecksumCRC32C, jp.CRC32C),
				ChecksumCRC64NVME: firstNonEmpty(p.ChecksumCRC64NVME, jp.CRC64NVME), ChecksumSHA1: firstNonEmpty(p.ChecksumSHA1, jp.SHA1),
				ChecksumSHA256: firstNonEmpty(p.ChecksumSHA256, jp.SHA256)}
			already += want
			continue
		}
		todo = append(todo, n)
	}
	b.update(tid, func(p *Progress) { p.State, p.Done = StateRunning, already })

	enc, ok := e.customerKey(r)
	if !ok {
		return needKey(r)
	}
	alg, key, keyMD5 := enc.CustomerHeaders()
	f, err := os.Open(r.Path)
	if err != nil {
		return storage.MapError("resume upload", r.Bucket, r.Key, err)
	}
	defer f.Close()
	var mu sync.Mutex
	var firstErr error
	sent := already
	sendOpts := opts
	if e.opts.Limiter != nil {
		sendOpts = append(append([]func(*s3.Options){}, opts...), func(so *s3.Options) {
			so.HTTPClient = countingHTTP{inner: so.HTTPClient, add: func(int64) {}, limit: e.opts.Limiter}
		})
	}
	runPool(len(todo), conc, func(i int) {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			return
		}
		n := todo[i]
		off := int64(n-1) * r.PartSize
		size := min(r.PartSize, r.Size-off)
		in := &s3.UploadPartInput{Bucket: &r.Bucket, Key: &r.Key, UploadId: &r.UploadID,
			PartNumber: aws.Int32(n), Body: io.NewSectionReader(f, off, size), ContentLength: aws.Int64(size),
			SSECustomerAlgorithm: alg, SSECustomerKey: key, SSECustomerKeyMD5: keyMD5}
		if r.ChecksumAlgorithm != "" {
			in.ChecksumAlgorithm = s3types.ChecksumAlgorithm(r.ChecksumAlgorithm)
		}
		out, err := e.acc.Client.UploadPart(ctx, in, sendOpts...)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = storage.MapError("resume upload", r.Bucket, r.Key, err)
			}
			return
		}
		completed[n-1] = s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag,
			ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC32C: out.ChecksumCRC32C, ChecksumCRC64NVME: out.ChecksumCRC64NVME,
			ChecksumSHA1: out.ChecksumSHA1, ChecksumSHA256: out.ChecksumSHA256}
		r.Parts = append(r.Parts, journalPart{Number: n, Size: size, ETag: aws.ToString(out.ETag),
			CRC32: aws.ToString(out.ChecksumCRC32), CRC32C: aws.ToString(out.ChecksumCRC32C),
			CRC64NVME: aws.ToString(out.ChecksumCRC64NVME), SHA1: aws.ToString(out.ChecksumSHA1),
			SHA256: aws.ToString(out.ChecksumSHA256)})
		_ = e.journal.save(r)
		sent += size
		done := sent
		b.update(tid, func(p *Progress) { p.Done = done })
	})
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return storage.MapError("resume upload", r.Bucket, r.Key, err) // parts kept; resumable again
	}
	if err := fileUnchanged(r.Path, r.Size, r.ModTime); err != nil {
		return err
	}
	in := &s3.CompleteMultipartUploadInput{Bucket: &r.Bucket, Key: &r.Key, UploadId: &r.UploadID,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: completed}, MpuObjectSize: aws.Int64(r.Size),
		SSECustomerAlgorithm: alg, SSECustomerKey: key, SSECustomerKeyMD5: keyMD5}
	if r.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	if _, err := e.acc.Client.CompleteMultipartUpload(ctx, in, opts...); err != nil {
		err = storage.MapError("resume upload", r.Bucket, r.Key, err)
		if errors.Is(err, storage.ErrPreconditionFailed) {
			_ = e.Discard(context.WithoutCancel(ctx), r.ID)
		}
		return err
	}
	e.journal.remove(r.ID)
	return nil
}

func firstNonEmpty(p *string, s string) *string {
	if aws.ToString(p) != "" {
		return p
	}
	if s != "" {
		return aws.String(s)
	}
	return nil
}

// tempsUnder lists the engine's download temp files under root, without
// following symbolic links (fs.WalkDir does not).
func tempsUnder(root *os.Root) []string {
	var out []string
	_ = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folder: skip it
		}
		if d.Type().IsRegular() && isTempName(p) {
			out = append(out, filepath.FromSlash(p))
		}
		return nil
	})
	return out
}
