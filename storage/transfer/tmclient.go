package transfer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
)

// This file is the S3 client the transfer manager calls for one upload.

// tmClient is the S3 client the transfer manager uses for one upload. It
// adds the bucket's region, and journals the multipart upload (UploadId,
// parts) so that it can resume after a restart. When the engine is closing
// it keeps the upload on the server instead of aborting it.
type tmClient struct {
	*s3.Client
	e     *Engine
	ctx   context.Context // the transfer's context, to see why it ended
	rec   *uploadRecord   // template; filled on CreateMultipartUpload
	extra []func(*s3.Options)
	mu    sync.Mutex
	// sending, when set, receives the body bytes of PutObject and
	// UploadPart as they go out (negative when an attempt is retried).
	sending func(int64)
}

func (c *tmClient) sendOpts(o []func(*s3.Options)) []func(*s3.Options) {
	o = c.opts(o)
	if c.sending != nil {
		o = append(o, func(so *s3.Options) {
			so.HTTPClient = countingHTTP{inner: so.HTTPClient, add: c.sending, limit: c.e.opts.Limiter}
		})
	}
	return o
}

func (c *tmClient) opts(o []func(*s3.Options)) []func(*s3.Options) {
	return append(append([]func(*s3.Options){}, o...), c.extra...)
}

func (c *tmClient) PutObject(ctx context.Context, in *s3.PutObjectInput, o ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	return c.Client.PutObject(ctx, in, c.sendOpts(o)...)
}

func (c *tmClient) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, o ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	out, err := c.Client.CreateMultipartUpload(ctx, in, c.opts(o)...)
	if err == nil && c.rec != nil {
		c.mu.Lock()
		c.rec.UploadID = aws.ToString(out.UploadId)
		c.rec.ChecksumAlgorithm = string(in.ChecksumAlgorithm)
		c.rec.Started = time.Now()
		c.e.stamp(ctx, c.rec)
		jerr := c.e.journal.save(c.rec)
		c.mu.Unlock()
		if jerr != nil {
			c.e.s.Logger().Warn("resume journal not written", "err", jerr)
		}
	}
	return out, err
}

func (c *tmClient) UploadPart(ctx context.Context, in *s3.UploadPartInput, o ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	var size int64
	if l, ok := in.Body.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	out, err := c.Client.UploadPart(ctx, in, c.sendOpts(o)...)
	if err == nil && c.rec != nil {
		c.mu.Lock()
		c.rec.Parts = append(c.rec.Parts, journalPart{
			Number: aws.ToInt32(in.PartNumber), Size: size, ETag: aws.ToString(out.ETag),
			CRC32: aws.ToString(out.ChecksumCRC32), CRC32C: aws.ToString(out.ChecksumCRC32C),
			CRC64NVME: aws.ToString(out.ChecksumCRC64NVME), SHA1: aws.ToString(out.ChecksumSHA1),
			SHA256: aws.ToString(out.ChecksumSHA256)})
		jerr := c.e.journal.save(c.rec)
		c.mu.Unlock()
		if jerr != nil {
			c.e.s.Logger().Warn("resume journal not written", "err", jerr)
		}
	}
	return out, err
}

func (c *tmClient) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, o ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	out, err := c.Client.CompleteMultipartUpload(ctx, in, c.opts(o)...)
	if err == nil && c.rec != nil {
		c.e.journal.remove(c.rec.ID)
	}
	return out, err
}

func (c *tmClient) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, o ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	if errors.Is(context.Cause(c.ctx), ErrPaused) && c.rec != nil {
		// The app is closing: keep the parts for Resume.
		return &s3.AbortMultipartUploadOutput{}, nil
	}
	out, err := c.Client.AbortMultipartUpload(ctx, in, c.opts(o)...)
	if c.rec != nil {
		if err == nil || isNoSuchUpload(err) {
			c.e.journal.remove(c.rec.ID)
		} else {
			// The server is unreachable: remember to abort later.
			c.mu.Lock()
			c.rec.AbortPending = true
			_ = c.e.journal.save(c.rec)
			c.mu.Unlock()
			c.e.kickAborts() // retried in the background while the app runs
		}
	}
	return out, err
}

func isNoSuchUpload(err error) bool {
	var se *storage.Error
	if errors.As(storage.MapError("", "", "", err), &se) {
		return se.Code == "NoSuchUpload"
	}
	return false
}

// fileUnchanged compares a local file with what the journal recorded.
func fileUnchanged(path string, size int64, mtime time.Time) error {
	st, err := os.Stat(path)
	if err != nil {
		return &storage.Error{Op: "resume upload", Kind: storage.ErrNotFound, Err: err,
			Msg: fmt.Sprintf("resume upload: the local file %s is gone; discard the storage.IncompleteListing upload", path)}
	}
	if st.Size() != size || !st.ModTime().Equal(mtime) {
		return &storage.Error{Op: "resume upload", Kind: storage.ErrConflict,
			Msg: fmt.Sprintf("resume upload: %s changed since the upload started (size or modification time differ); discard the storage.IncompleteListing upload and upload it again", path)}
	}
	return nil
}

func (c *tmClient) GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return c.Client.GetObject(ctx, in, c.opts(o)...)
}

func (c *tmClient) HeadObject(ctx context.Context, in *s3.HeadObjectInput, o ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	return c.Client.HeadObject(ctx, in, c.opts(o)...)
}
