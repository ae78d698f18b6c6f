package transfer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/gabriel-vasile/mimetype"

	"s3desk/storage"
)

// ConflictPolicy says what to do when the destination already exists.
type ConflictPolicy int

const (
	// ConflictSkip keeps what exists. Uploads send If-None-Match: * so a
	// key created meanwhile ends in storage.ErrPreconditionFailed, never an overwrite.
	ConflictSkip ConflictPolicy = iota
	// ConflictOverwrite replaces what exists.
	ConflictOverwrite
	// ConflictKeepBoth stores the new one as "name (1).ext".
	ConflictKeepBoth
)

func (c ConflictPolicy) String() string {
	return [...]string{"skip", "overwrite", "keep both"}[c]
}

// UploadOptions apply to every file of an upload batch.
type UploadOptions struct {
	Conflict     ConflictPolicy
	ACL          string // canned ACL, e.g. "public-read"; "" = bucket default
	CacheControl string
	ContentType  string // "" = detect from the name, then the content
	Metadata     map[string]string
	// Encryption is the server-side encryption of every file of the batch
	// (SSE-S3, SSE-KMS, or SSE-C with a key kept only in memory).
	Encryption storage.ObjectEncryption
	// Prechecked says the caller just ran Existing on these keys, so the
	// engine skips its own HEAD for small files and relies on If-None-Match
	// for a key created meanwhile.
	Prechecked bool
}

// UploadItem is one local file and the key it goes to.
type UploadItem struct {
	ID      int64 // 0 = assigned by Upload
	Path    string
	Key     string
	Size    int64
	ModTime time.Time
}

// UploadPlan is what PlanUpload found.
type UploadPlan struct {
	Items   []UploadItem
	Skipped []Skipped // links outside the folder, loops, special files, unreadable folders
	Bytes   int64
}

// PlanUpload lists the files that uploading paths (files and folders) into
// prefix means. A file goes to prefix+name; a folder "photos" to
// prefix+"photos/"+relative path, with "/" separators on every OS. Symbolic
// links are followed only to files inside the dropped folder; links outside
// it and loops are skipped and reported.
func (e *Engine) PlanUpload(ctx context.Context, prefix string, paths []string) (UploadPlan, error) {
	var plan UploadPlan
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return plan, storage.MapError("plan upload", "", "", err)
		}
		st, err := os.Stat(p) // a dropped link itself was chosen by the user
		if err != nil {
			plan.Skipped = append(plan.Skipped, Skipped{p, "cannot read: " + pathErrText(err)})
			continue
		}
		name := filepath.Base(filepath.Clean(p))
		switch {
		case st.IsDir():
			if err := walkFolder(ctx, p, prefix+name+"/", &plan); err != nil {
				return plan, err
			}
		case st.Mode().IsRegular():
			plan.Items = append(plan.Items, UploadItem{Path: p, Key: prefix + name, Size: st.Size(), ModTime: st.ModTime()})
		default:
			plan.Skipped = append(plan.Skipped, Skipped{p, "not a regular file"})
		}
	}
	for _, it := range plan.Items {
		plan.Bytes += it.Size
	}
	return plan, nil
}

func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// within tells whether p is root or inside it (both cleaned, absolute).
func within(p, root string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

func walkFolder(ctx context.Context, dir, keyPrefix string, plan *UploadPlan) error {
	realRoot, err := filepath.EvalSymlinks(dir)
	if err != nil {
		plan.Skipped = append(plan.Skipped, Skipped{dir, "cannot read: " + pathErrText(err)})
		return nil
	}
	realRoot, _ = filepath.Abs(realRoot)
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return storage.MapError("plan upload", "", "", cerr)
		}
		if err != nil {
			plan.Skipped = append(plan.Skipped, Skipped{p, "cannot read: " + pathErrText(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || rel == "." {
			return nil
		}
		key := keyPrefix + filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				plan.Skipped = append(plan.Skipped, Skipped{p, "broken link or link loop: " + pathErrText(err)})
				return nil
			}
			target, _ = filepath.Abs(target)
			if !within(target, realRoot) {
				plan.Skipped = append(plan.Skipped, Skipped{p, "link points outside the folder (to " + target + "); not uploaded"})
				return nil
			}
			st, err := os.Stat(target)
			if err != nil {
				plan.Skipped = append(plan.Skipped, Skipped{p, "cannot read link target: " + pathErrText(err)})
				return nil
			}
			if st.IsDir() {
				realParent, _ := filepath.EvalSymlinks(filepath.Dir(p))
				realParent, _ = filepath.Abs(realParent)
				if within(realParent, target) {
					plan.Skipped = append(plan.Skipped, Skipped{p, "link loop (points to a folder that contains it); not followed"})
				} else {
					plan.Skipped = append(plan.Skipped, Skipped{p, "link to another folder of the upload; uploaded once, at its real place"})
				}
				return nil
			}
			if !st.Mode().IsRegular() {
				plan.Skipped = append(plan.Skipped, Skipped{p, "not a regular file"})
				return nil
			}
			plan.Items = append(plan.Items, UploadItem{Path: p, Key: key, Size: st.Size(), ModTime: st.ModTime()})
		case d.IsDir():
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				plan.Skipped = append(plan.Skipped, Skipped{p, "cannot read: " + pathErrText(err)})
				return nil
			}
			plan.Items = append(plan.Items, UploadItem{Path: p, Key: key, Size: info.Size(), ModTime: info.ModTime()})
		default:
			plan.Skipped = append(plan.Skipped, Skipped{p, "not a regular file (device, socket or pipe)"})
		}
		return nil
	})
}

// extraTypes covers common extensions that Go's table and the system's
// mime.types may lack.
var extraTypes = map[string]string{
	".csv": "text/csv", ".tsv": "text/tab-separated-values", ".md": "text/markdown",
	".txt": "text/plain; charset=utf-8", ".log": "text/plain; charset=utf-8",
	".yaml": "application/yaml", ".yml": "application/yaml", ".toml": "application/toml",
	".parquet": "application/vnd.apache.parquet", ".gz": "application/gzip",
	".zip": "application/zip", ".tar": "application/x-tar", ".mp4": "video/mp4",
	".mp3": "audio/mpeg", ".ico": "image/vnd.microsoft.icon", ".woff2": "font/woff2",
}

// DetectContentType picks a Content-Type from the file name, then from the
// first bytes of the content.
func DetectContentType(name string, head []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := extraTypes[ext]; ok {
		return t
	}
	if ext != "" {
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return mimetype.Detect(head).String()
}

func detectFile(f *os.File, name string) string {
	head := make([]byte, 3072)
	n, _ := io.ReadFull(f, head)
	_, _ = f.Seek(0, io.SeekStart)
	return DetectContentType(name, head[:n])
}

// Existing returns the keys of keys that exist in bucket (HEAD, in parallel),
// for the conflicts dialog.
func (e *Engine) Existing(ctx context.Context, bucket string, keys []string) ([]string, error) {
	found := make([]bool, len(keys))
	errs := make([]error, len(keys))
	runPool(len(keys), e.opts.Files*2, func(i int) {
		if ctx.Err() != nil {
			return
		}
		found[i], errs[i] = e.exists(ctx, bucket, keys[i])
	})
	if err := ctx.Err(); err != nil {
		return nil, storage.MapError("check existing", bucket, "", err)
	}
	var out []string
	for i, k := range keys {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if found[i] {
			out = append(out, k)
		}
	}
	return out, nil
}

func (e *Engine) exists(ctx context.Context, bucket, key string) (bool, error) {
	_, err := e.acc.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key}, e.acc.BucketOpts(bucket)...)
	if err == nil {
		return true, nil
	}
	err = storage.MapError("check existing", bucket, key, err)
	if errors.Is(err, storage.ErrCustomerKey) {
		return true, nil // there, encrypted with a key this HEAD did not carry
	}
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrBucketNotFound) {
		return false, nil
	}
	return false, err
}

// KeepBothName returns the n-th alternative of key: "a/b (n).txt".
func KeepBothName(key string, n int) string {
	dir, base := "", key
	if i := strings.LastIndex(key, "/"); i >= 0 {
		dir, base = key[:i+1], key[i+1:]
	}
	ext := path.Ext(base)
	if ext == base { // ".bashrc"
		ext = ""
	}
	return fmt.Sprintf("%s%s (%d)%s", dir, strings.TrimSuffix(base, ext), n, ext)
}

// Upload sends items to bucket, small files in parallel, large files as
// multipart uploads, reporting progress to fn. It returns when every item
// has finished, failed, been skipped or been cancelled.
func (e *Engine) Upload(ctx context.Context, bucket string, items []UploadItem, opts UploadOptions, fn ProgressFunc) BatchResult {
	b := newBatch(fn)
	for i := range items {
		if items[i].ID == 0 {
			items[i].ID = e.NewID()
		}
		b.add(Progress{ID: items[i].ID, Upload: true, Bucket: bucket, Key: items[i].Key,
			Path: items[i].Path, State: StateQueued, Total: items[i].Size, ETA: -1})
	}
	// Register every item first so that a queued row can be cancelled.
	ctxs := make([]context.Context, len(items))
	dones := make([]func(), len(items))
	for i := range items {
		c, done, _ := e.register(ctx, items[i].ID)
		ctxs[i], dones[i] = c, done
	}
	runPool(len(items), e.opts.Files, func(i int) {
		defer dones[i]()
		it := items[i]
		c := ctxs[i]
		if c.Err() != nil {
			b.update(it.ID, func(p *Progress) { p.State = stateFor(c, c.Err()); p.Err = context.Cause(c) })
			return
		}
		b.update(it.ID, func(p *Progress) { p.State = StateRunning })
		key, skipped, err := e.uploadOne(c, bucket, it, opts, b)
		b.update(it.ID, func(p *Progress) {
			p.Key = key
			if key != it.Key {
				p.Note = "stored as " + key
			}
			settle(p, c, skipped, err)
		})
	})
	return b.result()
}

// countingHTTP counts the request body bytes the transport actually sends,
// so that upload progress moves while a part is on the wire, not only when
// it completes. An attempt that fails is taken back (the SDK retries it).
// The bandwidth limit is applied here too, as the bytes leave.
type countingHTTP struct {
	inner s3.HTTPClient
	add   func(int64)
	limit *RateLimiter
}

type countBody struct {
	io.ReadCloser
	n     atomic.Int64
	add   func(int64)
	ctx   context.Context
	limit *RateLimiter
}

func (c *countBody) Read(p []byte) (int, error) {
	if c.limit.Rate() > 0 && len(p) > maxChunk {
		p = p[:maxChunk] // short waits, so a cancel or a new limit acts at once
	}
	n, err := c.ReadCloser.Read(p)
	if n > 0 {
		c.n.Add(int64(n))
		c.add(int64(n))
		if werr := c.limit.WaitN(c.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

func (c countingHTTP) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.inner.Do(r)
	}
	cb := &countBody{ReadCloser: r.Body, add: c.add, ctx: r.Context(), limit: c.limit}
	r.Body = cb
	resp, err := c.inner.Do(r)
	if err != nil || resp.StatusCode >= 300 {
		c.add(-cb.n.Load())
	}
	return resp, err
}

// uploadOne uploads one file; it returns the key used and, when the file was
// skipped because the key exists, the reason.
func (e *Engine) uploadOne(ctx context.Context, bucket string, it UploadItem, opts UploadOptions, b *batch) (string, string, error) {
	f, err := os.Open(it.Path)
	if err != nil {
		return it.Key, "", &storage.Error{Op: "upload", Bucket: bucket, Key: it.Key, Kind: storage.ErrNotFound, Err: err,
			Msg: fmt.Sprintf("upload: cannot read %s: %s", it.Path, pathErrText(err))}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return it.Key, "", storage.MapError("upload", bucket, it.Key, err)
	}
	if !st.Mode().IsRegular() {
		return it.Key, "not a regular file", nil
	}
	if err := opts.Encryption.Validate(); err != nil {
		return it.Key, "", err
	}
	size := st.Size()
	if size != it.Size {
		b.update(it.ID, func(p *Progress) { p.Total = size })
	}
	ctype := opts.ContentType
	if ctype == "" {
		ctype = detectFile(f, it.Path)
	}
	multipart := size >= e.opts.MultipartThreshold
	if multipart {
		select { // one multipart upload at a time bounds memory
		case e.bigSem <- struct{}{}:
			defer func() { <-e.bigSem }()
		case <-ctx.Done():
			return it.Key, "", storage.MapError("upload", bucket, it.Key, ctx.Err())
		}
	}

	key := it.Key
	for attempt := 0; ; attempt++ {
		if opts.Conflict != ConflictOverwrite && (multipart || attempt > 0 || !opts.Prechecked || opts.Conflict == ConflictKeepBoth) {
			// HEAD first: a large file is not sent for nothing, keep-both
			// finds a free name, and a service that ignores If-None-Match
			// still overwrites nothing. If-None-Match guards the race.
			ex, err := e.exists(ctx, bucket, key)
			if err != nil {
				return key, "", err
			}
			if ex {
				if opts.Conflict == ConflictSkip {
					return key, "exists; kept the stored object", nil
				}
				key = e.freeName(ctx, bucket, it.Key, attempt)
			}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return key, "", storage.MapError("upload", bucket, key, err)
		}
		err := e.send(ctx, bucket, key, f, it, size, ctype, multipart, opts, b)
		if err == nil {
			return key, "", nil
		}
		if errors.Is(err, storage.ErrPreconditionFailed) {
			if opts.Conflict == ConflictSkip {
				return key, "exists (created meanwhile); kept the stored object", nil
			}
			if opts.Conflict == ConflictKeepBoth && attempt < 5 {
				continue
			}
		}
		return key, "", err
	}
}

func (e *Engine) freeName(ctx context.Context, bucket, key string, start int) string {
	for n := start + 1; n < start+1000; n++ {
		cand := KeepBothName(key, n)
		if ex, err := e.exists(ctx, bucket, cand); err == nil && !ex {
			return cand
		}
	}
	return KeepBothName(key, start+1000)
}

func (e *Engine) send(ctx context.Context, bucket, key string, f *os.File, it UploadItem, size int64,
	ctype string, multipart bool, opts UploadOptions, b *batch) error {
	in := &tm.UploadObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          f,
		ContentLength: aws.Int64(size),
		ContentType:   aws.String(ctype),
		ACL:           tmtypes.ObjectCannedACL(opts.ACL),
		Metadata:      withModTime(opts.Metadata, f, it.ModTime),
	}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	encryptUpload(in, opts.Encryption) // encryption.go
	if opts.Conflict != ConflictOverwrite {
		in.IfNoneMatch = aws.String("*")
	}
	plan := e.planParts(size) // memory.go: parts within 10,000, buffers within budget
	partSize := plan.PartSize
	client := &tmClient{Client: e.acc.Client, e: e, ctx: ctx, extra: e.acc.BucketOpts(bucket)}
	var sent, last atomic.Int64
	client.sending = func(n int64) {
		total := min(sent.Add(n), size)
		now := time.Now().UnixNano()
		if l := last.Load(); now-l > int64(100*time.Millisecond) && last.CompareAndSwap(l, now) {
			b.update(it.ID, func(p *Progress) { p.Done = max(total, 0) })
		}
	}
	if multipart {
		client.rec = &uploadRecord{ID: newRecordID(), Endpoint: e.s.Endpoint(), Bucket: bucket, Key: key, Path: absPath(it.Path),
			Size: size, ModTime: it.ModTime, PartSize: partSize, IfNoneMatch: in.IfNoneMatch != nil,
			SSECKeyMD5: opts.Encryption.KeyMD5()}
		e.rememberKey(opts.Encryption)
		if st, err := f.Stat(); err == nil {
			client.rec.ModTime = st.ModTime()
		}
	}
	var err error
	if multipart && plan.Stream {
		err = e.sendStreaming(ctx, in, client, plan, it.ID, b)
	} else {
		var out *tm.UploadObjectOutput
		out, err = e.tm.UploadObject(ctx, in, func(o *tm.Options) {
			o.S3 = client
			o.PartSizeBytes = partSize
			o.Concurrency = plan.Concurrency
		})
		if err == nil && !encryptionConfirmed(out, opts.Encryption) {
			b.update(it.ID, func(p *Progress) { p.Note = unconfirmedNote(opts.Encryption) })
		}
	}
	if err != nil {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			if errors.Is(c, ErrPaused) {
				return &storage.Error{Op: "upload", Bucket: bucket, Key: key, Err: c,
					Msg: "upload paused; it resumes from the parts already sent on the next start"}
			}
			return &storage.Error{Op: "upload", Bucket: bucket, Key: key, Err: context.Canceled,
				Msg: fmt.Sprintf("upload of %s cancelled; nothing was stored", key)}
		}
		return storage.EncryptionRefused("upload", bucket, key, opts.Encryption, err)
	}
	return nil
}

func newRecordID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
