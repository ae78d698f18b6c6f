package transfer

// Bounded memory, whatever the file size.
//
// The transfer manager buffers whole parts: Concurrency+1 pooled buffers of
// PartSize, plus the first part, which it reads with io.ReadAll (up to the
// multipart threshold) and then extends to PartSize: while that slice grows,
// old and new copies coexist, so count it twice. In all
// (Concurrency+1) × PartSize + 2 × max(PartSize, MultipartThreshold).
// S3 allows 10,000 parts, so parts must grow with the file (a 1 TiB file
// needs 105 MiB parts, 5 TiB 525 MiB), and so would the buffers. Instead,
// planParts lowers the concurrency as parts grow so that the buffers stay
// within PartBufferBudget, and when even one part in flight would not fit
// it sends the parts straight from the file (io.SectionReader: no part
// buffer at all), through the same code that resumes an upload (resume.go).

import (
	"context"
	"errors"
	"fmt"
	"time"

	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

const (
	// PartBufferBudget is the most bytes of part buffers one multipart
	// upload may hold: the defaults' own, (4+1) × 16 + 2 × 16 = 112 MiB.
	PartBufferBudget = (DefaultConcurrency+1)*DefaultPartSize + 2*max(DefaultPartSize, DefaultMultipartThreshold)
	// MaxMemoryBound is the most MemoryBound that ValidateTransferOptions
	// accepts: the defaults' bound.
	MaxMemoryBound = PartBufferBudget + (DefaultFiles+1)*DefaultMultipartThreshold
	maxUploadParts = 10000
)

// partBuffers is what one buffered multipart upload holds.
func partBuffers(partSize int64, conc int, threshold int64) int64 {
	return int64(conc+1)*partSize + 2*max(partSize, threshold)
}

// ValidateTransferOptions refuses options whose buffers could exceed the
// budget (Settings calls it), saying which value to lower.
func ValidateTransferOptions(o TransferOptions) error {
	r := o.resolved()
	mib := func(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }
	if pb := partBuffers(r.PartSize, r.Concurrency, r.MultipartThreshold); pb > PartBufferBudget {
		maxConc := maxConcurrency(r.PartSize, r.MultipartThreshold, PartBufferBudget)
		msg := fmt.Sprintf("%s parts with %d in flight need %s of buffers, more than the %s allowed; ",
			mib(r.PartSize), r.Concurrency, mib(pb), mib(PartBufferBudget))
		if maxConc >= 1 {
			msg += fmt.Sprintf("lower the concurrency to %d or less, or the part size", maxConc)
		} else {
			msg += fmt.Sprintf("lower the part size to %s or less", mib(PartBufferBudget/4))
		}
		return &storage.Error{Op: "transfer settings", Kind: storage.ErrInvalidArgument, Msg: msg}
	}
	if mb := r.MemoryBound(); mb > MaxMemoryBound {
		return &storage.Error{Op: "transfer settings", Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("the transfers could hold %s of buffers, more than the %s allowed; lower the number of files in parallel or the multipart threshold",
				mib(mb), mib(MaxMemoryBound))}
	}
	return nil
}

// partPlan is how one multipart upload runs.
type partPlan struct {
	PartSize    int64
	Concurrency int
	Stream      bool // parts read straight from the file, no part buffers
}

// planParts picks the part size (within maxParts parts) and the concurrency
// (buffers within budget) for a file of size bytes.
func planParts(size int64, o TransferOptions, budget int64, maxParts int64) partPlan {
	part := o.PartSize
	if size/part >= maxParts {
		part = size/maxParts + 1
	}
	conc := min(o.Concurrency, maxConcurrency(part, o.MultipartThreshold, budget))
	if conc >= 1 {
		return partPlan{PartSize: part, Concurrency: conc}
	}
	return partPlan{PartSize: part, Concurrency: o.Concurrency, Stream: true}
}

// maxConcurrency is the most parts in flight whose buffers fit in budget
// (below 1: none fits).
func maxConcurrency(part, threshold, budget int64) int {
	return int((budget-2*max(part, threshold))/part) - 1
}

func (e *Engine) planParts(size int64) partPlan {
	budget, maxParts := e.partBudget, e.maxParts
	if budget <= 0 {
		budget = PartBufferBudget
	}
	if maxParts <= 0 {
		maxParts = maxUploadParts
	}
	return planParts(size, e.opts, budget, maxParts)
}

// sendStreaming uploads f as a multipart upload whose parts are read from
// the file as they are sent. client journals it like the transfer manager's
// uploads, so it pauses and resumes the same way.
func (e *Engine) sendStreaming(ctx context.Context, in *tm.UploadObjectInput, client *tmClient, plan partPlan, id int64, b *batch) error {
	create := &s3.CreateMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, ContentType: in.ContentType,
		CacheControl: in.CacheControl, Metadata: in.Metadata, ACL: s3types.ObjectCannedACL(in.ACL),
		ServerSideEncryption: s3types.ServerSideEncryption(in.ServerSideEncryption), SSEKMSKeyId: in.SSEKMSKeyID,
		SSECustomerAlgorithm: in.SSECustomerAlgorithm, SSECustomerKey: in.SSECustomerKey, SSECustomerKeyMD5: in.SSECustomerKeyMD5}
	if !e.s.Compatibility() {
		create.ChecksumAlgorithm = s3types.ChecksumAlgorithmCrc32
	}
	out, err := client.CreateMultipartUpload(ctx, create)
	if err != nil {
		return err
	}
	r := client.rec
	err = e.resume(ctx, r, id, b, plan.Concurrency)
	if err == nil || errors.Is(context.Cause(ctx), ErrPaused) || errors.Is(err, storage.ErrPreconditionFailed) {
		return err // done; paused (kept for Resume); or already discarded
	}
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = client.AbortMultipartUpload(c, &s3.AbortMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: out.UploadId})
	return err
}
