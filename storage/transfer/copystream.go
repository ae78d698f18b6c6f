package transfer

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"bytes"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/internal/verify"
)

// streamCopy copies one object between accounts through the app.
type streamCopy struct {
	e    *Engine
	src  *storage.Service
	sacc core.Access
	it   CopyItem
	info storage.ObjectInfo
	opts CopyOptions
	b    *batch
	done atomic.Int64
}

func (s *streamCopy) progress(n int64) {
	d := s.done.Add(n)
	s.b.update(s.it.ID, func(p *Progress) { p.Done = min(d, p.Total) })
}

func (s *streamCopy) run(ctx context.Context) (string, error) {
	if s.info.Size < s.e.opts.MultipartThreshold {
		body, err := s.readSmall(ctx)
		if err != nil {
			return "", err
		}
		v, err := s.putSmall(ctx, body)
		if err == nil {
			s.progress(int64(len(body)))
		}
		return v, err
	}
	select { // one multipart transfer at a time bounds memory
	case s.e.bigSem <- struct{}{}:
		defer func() { <-s.e.bigSem }()
	case <-ctx.Done():
		return "", s.mapErr(ctx, ctx.Err())
	}
	return s.runLarge(ctx)
}

// readSmall reads the whole source, verified as it streams (the source's
// checksum or MD5 ETag), again when the body breaks off or fails its check.
func (s *streamCopy) readSmall(ctx context.Context) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		body, err := s.readSmallOnce(ctx)
		var be *verify.BodyError
		var m *verify.ChecksumMismatch
		if err == nil || ctx.Err() != nil || attempt >= verify.BodyAttempts || !(errors.As(err, &be) || errors.As(err, &m)) {
			if err != nil && ctx.Err() != nil {
				return nil, s.mapErr(ctx, err)
			}
			return body, err
		}
		verify.AddRetryCount(ctx)
	}
}

func (s *streamCopy) readSmallOnce(ctx context.Context) ([]byte, error) {
	r, _, err := s.sacc.OpenVerified(ctx, s.it.Src.Bucket, s.it.Src.Key, s.it.Src.VersionID, s.info.ETag, "copy")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := bytes.NewBuffer(make([]byte, 0, s.info.Size))
	if _, err := io.Copy(buf, io.LimitReader(r, s.info.Size+1)); err != nil {
		if errors.As(err, new(*verify.ChecksumMismatch)) {
			return nil, err
		}
		return nil, &verify.BodyError{Err: err}
	}
	if int64(buf.Len()) != s.info.Size {
		return nil, &verify.BodyError{Err: fmt.Errorf("got %d bytes of %d", buf.Len(), s.info.Size)}
	}
	return buf.Bytes(), nil
}

// layout picks the parts: the source's own when they are even (then the
// copy's ETag must equal the source's, which checks the source too), else
// the engine's part size; in flight at once as many as PartBufferBudget
// holds, at most Concurrency.
func (s *streamCopy) layout(ctx context.Context) (part int64, conc int, aligned bool, err error) {
	size := s.info.Size
	budget := s.e.partBudget
	if budget <= 0 {
		budget = PartBufferBudget
	}
	out, herr := s.sacc.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.it.Src.Bucket),
		Key: aws.String(s.it.Src.Key), PartNumber: aws.Int32(1)}, s.sacc.BucketOpts(s.it.Src.Bucket)...)
	if herr == nil {
		n, ps := int64(aws.ToInt32(out.PartsCount)), aws.ToInt64(out.ContentLength)
		if n >= 2 && ps >= minPartSize && (n-1)*ps < size && size <= n*ps && budget/ps >= 1 {
			return ps, min(s.e.opts.Concurrency, int(budget/ps)), true, nil
		}
	}
	part = s.e.opts.PartSize
	if size/part >= maxUploadParts {
		part = size/maxUploadParts + 1
	}
	if budget/part < 1 {
		return 0, 0, false, &storage.Error{Op: "copy", Bucket: s.it.Src.Bucket, Key: s.it.Src.Key, Kind: storage.ErrTooLarge,
			Msg: fmt.Sprintf("copy: %s is too large to stream between accounts within the memory budget; download it, then upload it", s.it.Src.Key)}
	}
	return part, min(s.e.opts.Concurrency, int(budget/part)), false, nil
}

func (s *streamCopy) runLarge(ctx context.Context) (string, error) {
	part, conc, aligned, err := s.layout(ctx)
	if err != nil {
		return "", err
	}
	size := s.info.Size
	n := int((size + part - 1) / part)
	create := &s3.CreateMultipartUploadInput{Bucket: aws.String(s.it.Dst.Bucket), Key: aws.String(s.it.Dst.Key),
		Metadata: s.info.Metadata, ContentType: nonEmpty(s.info.ContentType), CacheControl: nonEmpty(s.info.CacheControl),
		ContentDisposition: nonEmpty(s.info.ContentDisposition), ContentEncoding: nonEmpty(s.info.ContentEncoding)}
	cout, err := s.e.acc.Client.CreateMultipartUpload(ctx, create, s.dstOpts()...)
	if err != nil {
		return "", s.mapErr(ctx, err)
	}
	uploadID := aws.ToString(cout.UploadId)
	completed := false
	defer func() {
		if !completed { // no orphan parts
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			_, _ = s.e.acc.Client.AbortMultipartUpload(c, &s3.AbortMultipartUploadInput{Bucket: aws.String(s.it.Dst.Bucket),
				Key: aws.String(s.it.Dst.Key), UploadId: aws.String(uploadID)}, s.e.acc.BucketOpts(s.it.Dst.Bucket)...)
		}
	}()

	// The whole source's MD5, in order, when its ETag is one.
	var whole hash.Hash
	wantWhole, _ := verify.MD5ETag(s.info.ETag, "", nil)
	if wantWhole != "" && !aligned {
		whole = md5.New()
	}
	seq := newSequencer()
	sums := make([][]byte, n)
	etags := make([]string, n)
	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := 0; w < min(conc, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, part)
			for {
				i := int(next.Add(1) - 1)
				if i >= n || pctx.Err() != nil {
					return
				}
				off := int64(i) * part
				l := min(part, size-off)
				if err := s.readRange(pctx, off, buf[:l]); err != nil {
					seq.fail()
					cancel(err)
					return
				}
				if whole != nil && !seq.wait(i, func() { whole.Write(buf[:l]) }) {
					return
				}
				sum := md5.Sum(buf[:l])
				sums[i] = sum[:]
				out, err := s.e.acc.Client.UploadPart(pctx, &s3.UploadPartInput{Bucket: aws.String(s.it.Dst.Bucket),
					Key: aws.String(s.it.Dst.Key), UploadId: aws.String(uploadID), PartNumber: aws.Int32(int32(i + 1)),
					Body: bytes.NewReader(buf[:l]), ContentLength: aws.Int64(l),
					ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))}, s.dstOpts()...)
				if err != nil {
					seq.fail()
					cancel(err)
					return
				}
				etags[i] = aws.ToString(out.ETag)
				s.progress(l)
			}
		}()
	}
	wg.Wait()
	if c := context.Cause(pctx); c != nil && pctx.Err() != nil {
		if ctx.Err() != nil {
			return "", s.mapErr(ctx, ctx.Err())
		}
		return "", s.mapErr(ctx, c)
	}
	if whole != nil && hex.EncodeToString(whole.Sum(nil)) != wantWhole {
		return "", &storage.Error{Op: "copy", Bucket: s.it.Src.Bucket, Key: s.it.Src.Key, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("copy of %s: the bytes read do not match the source's MD5; nothing was stored, try again", s.it.Src.Key)}
	}
	parts := make([]s3types.CompletedPart, n)
	for i := range parts {
		parts[i] = s3types.CompletedPart{ETag: aws.String(etags[i]), PartNumber: aws.Int32(int32(i + 1))}
	}
	complete := &s3.CompleteMultipartUploadInput{Bucket: aws.String(s.it.Dst.Bucket), Key: aws.String(s.it.Dst.Key),
		UploadId: aws.String(uploadID), MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}}
	if s.opts.Conflict != ConflictOverwrite {
		complete.IfNoneMatch = aws.String("*")
	}
	out, err := s.e.acc.Client.CompleteMultipartUpload(ctx, complete, s.e.acc.BucketOpts(s.it.Dst.Bucket)...)
	if err != nil {
		return "", s.mapErr(ctx, err)
	}
	completed = true
	got, want := etagOf(aws.ToString(out.ETag)), multipartETag(sums)
	if got == "" { // some services answer without it
		if st, err := s.e.s.Stat(ctx, s.it.Dst.Bucket, s.it.Dst.Key); err == nil {
			got = etagOf(st.ETag)
		}
	}
	switch {
	case aligned && want != etagOf(s.info.ETag):
		_ = s.removeBad(ctx)
		return "", &storage.Error{Op: "copy", Bucket: s.it.Src.Bucket, Key: s.it.Src.Key, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("copy of %s: the bytes read do not match the source's ETag; the copy was removed, try again", s.it.Src.Key)}
	case aligned && got == want:
		return fmt.Sprintf("MD5 verified (%d parts, same as the source)", n), nil
	case got == want && whole != nil:
		return fmt.Sprintf("MD5 verified (source, and %d parts at the destination)", n), nil
	case got == want:
		return fmt.Sprintf("MD5 verified at the destination (%d parts)", n), nil
	case len(got) > 33 && got[32] == '-' && !s.encrypted(ctx):
		_ = s.removeBad(ctx)
		return "", &storage.Error{Op: "copy", Bucket: s.it.Dst.Bucket, Key: s.it.Dst.Key, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("copy of %s: the destination's ETag %s is not that of the parts sent (%s); the copy was removed, try again", s.it.Src.Key, got, want)}
	}
	return "Content-MD5 of each part checked by the destination", nil
}

// readRange fills buf with the source's bytes from off, pinned to the
// source's ETag, reading again when the body breaks off.
func (s *streamCopy) readRange(ctx context.Context, off int64, buf []byte) error {
	for attempt := 1; ; attempt++ {
		r, _, err := s.src.Open(ctx, s.it.Src.Bucket, s.it.Src.Key, storage.ReadOptions{Offset: off, Length: int64(len(buf)), IfMatch: s.info.ETag})
		if err != nil {
			return err
		}
		_, err = io.ReadFull(r, buf)
		r.Close()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || attempt >= verify.BodyAttempts {
			return storage.MapError("copy", s.it.Src.Bucket, s.it.Src.Key, err)
		}
		verify.AddRetryCount(ctx)
	}
}

// sequencer runs steps in part order.
type sequencer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	turn   int
	failed bool
}

func newSequencer() *sequencer {
	q := &sequencer{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// wait runs f as part i's turn; false if another part failed.
func (q *sequencer) wait(i int, f func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.turn != i && !q.failed {
		q.cond.Wait()
	}
	if q.failed {
		return false
	}
	f()
	q.turn++
	q.cond.Broadcast()
	return true
}

func (q *sequencer) fail() {
	q.mu.Lock()
	q.failed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}
