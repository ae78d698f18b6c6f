package storage

// SetCopyLimitsForTest lowers the multipart-copy threshold and part size so
// tests can exercise UploadPartCopy with small objects.
func SetCopyLimitsForTest(s *Service, threshold, part int64) {
	s.copyThreshold, s.copyPart = threshold, part
}

// MapErrForTest exposes mapErr to the external test package.
var MapErrForTest = mapErr

// CopySourceForTest exposes the x-amz-copy-source encoder.
var CopySourceForTest = copySource

// UseNamedTemps makes e's downloads take the path used where the system has
// no unnamed files: a temp file beside the target, renamed when complete.
func UseNamedTemps(e *Engine) { e.namedTemps = true }
