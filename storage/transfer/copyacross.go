package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

// CopyItem is one object copied from a source account into this engine's.
type CopyItem struct {
	ID   int64 // 0 = assigned by Copy
	Src  storage.ObjectRef
	Dst  storage.ObjectRef
	Size int64
	// ETag, when known, pins the source: the copy fails if it changed.
	ETag string
}

// CopyOptions apply to a copy batch.
type CopyOptions struct {
	Conflict ConflictPolicy // for keys that exist at the destination
	// Move deletes each source object once its copy is verified at the
	// destination; a copy that failed leaves its source untouched.
	Move bool
}

// SameAccount tells whether src and dst can copy on the server (CopyObject
// and UploadPartCopy): the same service, or the same endpoint with the same
// access key.
func SameAccount(ctx context.Context, src, dst *storage.Service) bool {
	if src == dst {
		return true
	}
	if src.Endpoint() != dst.Endpoint() {
		return false
	}
	a, err1 := src.Credentials(ctx)
	b, err2 := dst.Credentials(ctx)
	return err1 == nil && err2 == nil && a.AccessKeyID != "" && a.AccessKeyID == b.AccessKeyID
}

// Copy copies items from src (another account, or this one) into this
// engine's account, one transfer row each with progress, cancel and retry.
// Within one account the server copies (storage.Service.Copy); otherwise
// the object streams through the app (copystream.go): ranged GETs and
// UploadParts in flight together, within PartBufferBudget, never through a
// temp file, with Content-Type, Cache-Control, Content-Disposition,
// Content-Encoding and user metadata carried, and the result checked
// against the MD5s of the bytes sent (and the source's own ETag when its
// parts line up).
func (e *Engine) Copy(ctx context.Context, src *storage.Service, items []CopyItem, opts CopyOptions, fn ProgressFunc) BatchResult {
	b := newBatch(fn)
	for i := range items {
		if items[i].ID == 0 {
			items[i].ID = e.NewID()
		}
		b.add(Progress{ID: items[i].ID, Upload: true, Bucket: items[i].Dst.Bucket, Key: items[i].Dst.Key,
			Path: "s3://" + items[i].Src.Bucket + "/" + items[i].Src.Key, State: StateQueued, Total: items[i].Size, ETA: -1})
	}
	ctxs := make([]context.Context, len(items))
	dones := make([]func(), len(items))
	for i := range items {
		ctxs[i], dones[i], _ = e.register(ctx, items[i].ID)
	}
	server := SameAccount(ctx, src, e.s)
	sacc := core.Of(src)
	// A moved folder's marker goes last, once everything in it has moved
	// (some services keep folders as directories, which must be empty).
	isMarker := func(it CopyItem) bool { return it.Size == 0 && strings.HasSuffix(it.Src.Key, "/") }
	var failed atomic.Int64
	runPool(len(items), e.opts.Files, func(i int) {
		defer dones[i]()
		it, c := items[i], ctxs[i]
		if c.Err() != nil {
			failed.Add(1)
			b.update(it.ID, func(p *Progress) { p.State = stateFor(c, c.Err()); p.Err = context.Cause(c) })
			return
		}
		b.update(it.ID, func(p *Progress) { p.State = StateRunning })
		skipped, verified, err := e.copyOne(c, src, sacc, server, it, opts, b)
		moved := err == nil && skipped == "" && opts.Move && !isMarker(it)
		if moved {
			err = deleteSource(c, src, it.Src)
		}
		if err != nil || skipped != "" {
			failed.Add(1)
		}
		b.update(it.ID, func(p *Progress) {
			p.Verified = verified
			if moved && err == nil {
				p.Note = "moved: the source was deleted after the copy was verified"
			}
			settle(p, c, skipped, err)
		})
	})
	if opts.Move && failed.Load() == 0 && ctx.Err() == nil {
		for _, it := range items {
			if isMarker(it) && deleteSource(ctx, src, it.Src) == nil {
				b.update(it.ID, func(p *Progress) { p.Note = "moved: the source was deleted after the copy was verified" })
			}
		}
	}
	return b.result()
}

func deleteSource(ctx context.Context, src *storage.Service, ref storage.ObjectRef) error {
	res, err := src.DeleteObjects(ctx, ref.Bucket, []string{ref.Key})
	if err == nil && len(res.Failed) > 0 {
		err = res.Failed[0].Err
	}
	if err != nil {
		return &storage.Error{Op: "move", Bucket: ref.Bucket, Key: ref.Key, Kind: storage.ErrAccessDenied, Err: err,
			Msg: fmt.Sprintf("move: the copy is verified, but the source %s could not be deleted (%v); delete it yourself", ref.Key, err)}
	}
	return nil
}

func (e *Engine) copyOne(ctx context.Context, src *storage.Service, sacc core.Access, server bool, it CopyItem,
	opts CopyOptions, b *batch) (skipped, verified string, err error) {
	info, err := src.Stat(ctx, it.Src.Bucket, it.Src.Key)
	if err != nil {
		return "", "", err
	}
	if it.ETag != "" && info.ETag != it.ETag {
		return "", "", &storage.Error{Op: "copy", Bucket: it.Src.Bucket, Key: it.Src.Key, Kind: storage.ErrPreconditionFailed,
			Msg: fmt.Sprintf("copy: %s changed since it was listed; nothing was copied, look at it again", it.Src.Key)}
	}
	if info.Size != it.Size {
		b.update(it.ID, func(p *Progress) { p.Total = info.Size })
	}
	if opts.Conflict != ConflictOverwrite {
		ex, err := e.exists(ctx, it.Dst.Bucket, it.Dst.Key)
		if err != nil {
			return "", "", err
		}
		if ex {
			if opts.Conflict == ConflictSkip {
				return "exists; kept the stored object", "", nil
			}
			it.Dst.Key = e.freeName(ctx, it.Dst.Bucket, it.Dst.Key, 0)
			b.update(it.ID, func(p *Progress) { p.Key, p.Note = it.Dst.Key, "stored as "+it.Dst.Key })
		}
	}
	if server {
		if err := e.s.Copy(ctx, it.Src, it.Dst); err != nil {
			return "", "", err
		}
		return "", "copied on the server", nil
	}
	s := &streamCopy{e: e, src: src, sacc: sacc, it: it, info: info, opts: opts, b: b}
	verified, err = s.run(ctx)
	return "", verified, err
}

// etagOf is an ETag without quotes, lower case.
func etagOf(s string) string { return strings.ToLower(strings.Trim(s, `"`)) }

// multipartETag is S3's ETag of a multipart object made of parts with
// these MD5s.
func multipartETag(sums [][]byte) string {
	h := md5.New()
	for _, s := range sums {
		h.Write(s)
	}
	return fmt.Sprintf("%s-%d", hex.EncodeToString(h.Sum(nil)), len(sums))
}

// putSmall writes a small object in one PutObject with its Content-MD5, so
// that the server refuses bytes that changed on the way.
func (s *streamCopy) putSmall(ctx context.Context, body []byte) (string, error) {
	sum := md5.Sum(body)
	in := s.putInput()
	in.Body = bytes.NewReader(body)
	in.ContentLength = aws.Int64(int64(len(body)))
	in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	out, err := s.e.acc.Client.PutObject(ctx, in, s.dstOpts()...)
	if err != nil {
		return "", s.mapErr(ctx, err)
	}
	got, want := etagOf(aws.ToString(out.ETag)), hex.EncodeToString(sum[:])
	if got == want {
		return "MD5 verified at the destination", nil
	}
	if len(got) == 32 && !s.encrypted(ctx) {
		_ = s.removeBad(ctx)
		return "", &storage.Error{Op: "copy", Bucket: s.it.Dst.Bucket, Key: s.it.Dst.Key, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("copy of %s: the destination stored MD5 %s, not the %s sent; the copy was removed, try again", s.it.Src.Key, got, want)}
	}
	return "Content-MD5 checked by the destination", nil
}

// encrypted tells whether the destination object's ETag is no MD5 (SSE-KMS
// or SSE-C).
func (s *streamCopy) encrypted(ctx context.Context) bool {
	c, err := s.e.s.Checksum(ctx, s.it.Dst.Bucket, s.it.Dst.Key)
	return err == nil && c.MD5 == ""
}

// removeBad deletes a destination object that failed its check.
func (s *streamCopy) removeBad(ctx context.Context) error {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, err := s.e.s.DeleteObjects(c, s.it.Dst.Bucket, []string{s.it.Dst.Key})
	return err
}

func (s *streamCopy) mapErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), ErrPaused) {
			return &storage.Error{Op: "copy", Bucket: s.it.Dst.Bucket, Key: s.it.Dst.Key, Err: context.Cause(ctx),
				Msg: fmt.Sprintf("copy of %s interrupted: the app is closing; copy it again", s.it.Src.Key)}
		}
		return &storage.Error{Op: "copy", Bucket: s.it.Dst.Bucket, Key: s.it.Dst.Key, Err: context.Canceled,
			Msg: fmt.Sprintf("copy of %s cancelled; nothing was stored", s.it.Src.Key)}
	}
	if errors.Is(err, storage.ErrPreconditionFailed) {
		return err
	}
	var se *storage.Error
	if errors.As(err, &se) {
		return err
	}
	return storage.MapError("copy", s.it.Dst.Bucket, s.it.Dst.Key, err)
}

func (s *streamCopy) dstOpts() []func(*s3.Options) {
	o := s.e.acc.BucketOpts(s.it.Dst.Bucket)
	if s.e.s.Compatibility() {
		o = append(o, func(so *s3.Options) { so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired })
	}
	return o
}

func (s *streamCopy) putInput() *s3.PutObjectInput {
	in := &s3.PutObjectInput{Bucket: aws.String(s.it.Dst.Bucket), Key: aws.String(s.it.Dst.Key), Metadata: s.info.Metadata,
		ContentType: nonEmpty(s.info.ContentType), CacheControl: nonEmpty(s.info.CacheControl),
		ContentDisposition: nonEmpty(s.info.ContentDisposition), ContentEncoding: nonEmpty(s.info.ContentEncoding)}
	if s.opts.Conflict != ConflictOverwrite {
		in.IfNoneMatch = aws.String("*")
	}
	return in
}

func nonEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return aws.String(v)
}

// PlanCopy expands entries (objects and folders listed under base, the
// prefix being viewed) of bucket on src into the objects to copy to
// dstBucket under dstPrefix: each keeps its key below base, so folder
// "photos/" of "a/" lands at dstPrefix+"photos/…". Folder markers are
// copied too (a move removes them with the rest).
func PlanCopy(ctx context.Context, src *storage.Service, bucket, base string, entries []storage.Entry, dstBucket, dstPrefix string) ([]CopyItem, error) {
	if dstPrefix != "" && !strings.HasSuffix(dstPrefix, "/") {
		dstPrefix += "/"
	}
	var items []CopyItem
	add := func(key, etag string, size int64) {
		rel := strings.TrimPrefix(key, base)
		items = append(items, CopyItem{Src: storage.ObjectRef{Bucket: bucket, Key: key},
			Dst: storage.ObjectRef{Bucket: dstBucket, Key: dstPrefix + rel}, Size: size, ETag: etag})
	}
	for _, en := range entries {
		if !en.IsFolder {
			add(en.Key, en.ETag, en.Size)
			continue
		}
		for page, err := range src.List(ctx, bucket, storage.ListOptions{Prefix: en.Key, Recursive: true}) {
			if err != nil {
				return nil, storage.IncompleteListing(err, "plan copy", bucket, en.Key, "nothing was copied: try again")
			}
			for _, o := range page.Objects {
				add(o.Key, o.ETag, o.Size)
			}
		}
	}
	return items, nil
}
