package transfer

import (
	"context"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage/internal/verify"
)

// This file is the multipart download: parts by number through the
// transfer manager, each hashed as it arrives, checked as a whole at the end.

// getLarge downloads by part number through the transfer manager (which
// retries a part whose body breaks off or fails the SDK's check), hashing
// each part, then checks the whole as verify.PlanLargeCheck decided.
func (e *Engine) getLarge(ctx context.Context, it DownloadItem, w *countingWriterAt, f *os.File) (string, error) {
	hin := &s3.HeadObjectInput{Bucket: &it.Bucket, Key: &it.Key, ChecksumMode: s3types.ChecksumModeEnabled}
	if it.ETag != "" {
		hin.IfMatch = aws.String(it.ETag)
	}
	if it.VersionID != "" {
		hin.VersionId = aws.String(it.VersionID)
	}
	head, err := e.acc.Client.HeadObject(ctx, hin, e.acc.BucketOpts(it.Bucket)...)
	if err != nil {
		return "", err
	}
	check := verify.PlanLargeCheck(head)
	client := &dlClient{tmClient: &tmClient{Client: e.acc.Client, e: e, ctx: ctx, extra: e.acc.BucketOpts(it.Bucket)}}
	var ps *verify.PartSums
	if check.Alg != "" {
		ps = &verify.PartSums{Alg: check.Alg, Parts: map[int32][]byte{}}
		client.ps = ps
	}
	// The HEAD's ETag pins the object: every part comes from the version
	// that the checksum describes.
	in := &tm.DownloadObjectInput{Bucket: &it.Bucket, Key: &it.Key, WriterAt: w, IfMatch: head.ETag,
		ChecksumMode: tmtypes.ChecksumModeEnabled}
	if it.VersionID != "" {
		in.VersionID = aws.String(it.VersionID)
	}
	if _, err := e.tm.DownloadObject(ctx, in, func(o *tm.Options) { o.S3 = client }); err != nil {
		return "", verify.AsMismatch(err, "part")
	}
	if ps == nil {
		return verify.SizeOnly, nil
	}
	return check.Finish(ps, f)
}

// dlClient is the transfer manager's client for one download: each GET's
// body is hashed per part number.
type dlClient struct {
	*tmClient
	ps *verify.PartSums // nil: nothing to hash

	mu      sync.Mutex
	started map[int32]bool // parts asked for: a second GET is a retry
}

func (c *dlClient) GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	part := aws.ToInt32(in.PartNumber)
	if in.PartNumber == nil {
		part = 1
	}
	c.mu.Lock()
	if c.started == nil {
		c.started = map[int32]bool{}
	}
	again := c.started[part]
	c.started[part] = true
	c.mu.Unlock()
	if again {
		verify.AddRetryCount(ctx) // the transfer manager GETs a broken part again
	}
	out, err := c.tmClient.GetObject(ctx, in, o...)
	if err != nil || c.ps == nil {
		return out, err
	}
	ps := c.ps
	out.Body = &verify.HashingBody{ReadCloser: out.Body, H: verify.NewHash(ps.Alg), Done: func(sum []byte, _ int64) {
		ps.Mu.Lock()
		ps.Parts[part] = sum
		ps.Mu.Unlock()
	}}
	return out, nil
}
