package storage

import "context"

// SetCopyLimitsForTest lowers the multipart-copy threshold and part size so
// tests can exercise UploadPartCopy with small objects.
func SetCopyLimitsForTest(s *Service, threshold, part int64) {
	s.copyThreshold, s.copyPart = threshold, part
}

// MapErrForTest exposes mapErr to the external test package.
var MapErrForTest = mapErr

// CopySourceForTest exposes the x-amz-copy-source encoder.
var CopySourceForTest = copySource

// WithPageSizeForTest makes the listings run with the returned context ask
// for n entries a page (objects, versions, uploads, parts, buckets).
func WithPageSizeForTest(ctx context.Context, n int32) context.Context {
	return context.WithValue(ctx, pageSizeKey{}, n)
}

// RememberRegionForTest records bucket's region as learning it would.
func RememberRegionForTest(s *Service, bucket, region string) { s.rememberRegion(bucket, region) }
