package storage

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage/internal/verify"
)

// ObjectChecksum is what a HeadObject with checksums says about an
// object's content.
type ObjectChecksum struct {
	Size int64
	ETag string
	// MD5 is the object's MD5 (hex) when its ETag states one: a single-part
	// object not encrypted with SSE-KMS or SSE-C.
	MD5 string
	// Alg and Value are a full-object checksum the server keeps (CRC32,
	// CRC32C, CRC64NVME, SHA1, SHA256; Value base64), "" when none.
	Alg, Value string
	// Metadata is the user metadata (for the "mtime" key).
	Metadata map[string]string
}

// Checksum reads an object's checksums with one HeadObject (checksum mode
// enabled). Composite (per-part) checksums are left out: they cannot be
// compared with a file's own checksum.
func (s *Service) Checksum(ctx context.Context, bucket, key string) (ObjectChecksum, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled}, s.bucketOpts(bucket)...)
	if err != nil {
		return ObjectChecksum{}, s.notFoundErr(ctx, "checksum", bucket, key, err)
	}
	c := ObjectChecksum{Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag), Metadata: decodeMetadata(out.Metadata)}
	if m, ok := verify.MD5ETag(c.ETag, out.ServerSideEncryption, out.SSECustomerAlgorithm); ok {
		c.MD5 = m
	}
	if out.ChecksumType != types.ChecksumTypeComposite {
		sums := verify.SumsOf(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256, nil)
		if alg, v := sums.Best(); alg != "" && !strings.Contains(v, "-") {
			c.Alg, c.Value = alg, v
		}
	}
	return c, nil
}
