package storage

import "s3desk/storage/internal/verify"

// What a read is checked against (checksums, MD5 ETags, multipart part
// digests) is decided in one place for Open and storage/transfer's
// downloads: storage/internal/verify. These are the names Open uses.
const verifiedSizeOnly = verify.SizeOnly

var (
	verifiedBy = verify.By
	getSums    = verify.GetSums
	md5ETag    = verify.MD5ETag
	asMismatch = verify.AsMismatch
)

type checksumMismatch = verify.ChecksumMismatch
