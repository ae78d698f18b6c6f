package s3test

import "testing"

// Feature is something an S3 server may lack. Tests of a feature skip, by
// name and with the reason, on the servers without it:
//
//	srv.Require(t, s3test.ObjectACL)
//
// and, where the app has a plain "not supported" message for it, test that
// message there instead (if !srv.Supports(s3test.ObjectACL) { ... }).
type Feature string

// Features the harness knows a server to have or lack.
const (
	// SigV4 is checking request signatures (wrong keys are refused).
	SigV4 Feature = "signature checks"
	// ObjectACL is PutObjectAcl with canned ACLs other than private.
	ObjectACL Feature = "object ACLs"
	// BucketPolicy is Get/Put/DeleteBucketPolicy.
	BucketPolicy Feature = "bucket policies"
	// PublicAccessBlock is Get/PutPublicAccessBlock.
	PublicAccessBlock Feature = "public access block"
	// Versioning is bucket versioning (StartVersityVersioned for versitygw).
	Versioning Feature = "versioning"
	// UploadPartCopy is the server-side copy of one part (multipart copy).
	UploadPartCopy Feature = "UploadPartCopy"
	// ConditionalPut is If-None-Match: * on PutObject.
	ConditionalPut Feature = "If-None-Match on PutObject"
	// CacheControl is storing an object's Cache-Control.
	CacheControl Feature = "storing Cache-Control"
	// UploadsByPrefix is ListMultipartUploads filtered by a key prefix
	// (not only by an exact key).
	UploadsByPrefix Feature = "listing multipart uploads by prefix"
)

// lacks is, per kind, what the server does not do and why.
var lacks = map[string]map[Feature]string{
	GoFakeS3: {
		SigV4:             "gofakes3 checks no credentials",
		ObjectACL:         "gofakes3 has no ACLs",
		BucketPolicy:      "gofakes3 has no bucket policies",
		PublicAccessBlock: "gofakes3 has no public access block",
		Versioning:        "gofakes3 (s3mem) keeps no versions here",
		UploadPartCopy:    "gofakes3 does not implement UploadPartCopy",
		ConditionalPut:    "gofakes3 ignores If-None-Match on PutObject",
		CacheControl:      "gofakes3 does not store Cache-Control",
	},
	Sandbox: {
		SigV4:             "the sandbox (gofakes3) checks no credentials",
		ObjectACL:         "the sandbox (gofakes3) has no ACLs",
		BucketPolicy:      "the sandbox (gofakes3) has no bucket policies",
		PublicAccessBlock: "the sandbox (gofakes3) has no public access block",
		Versioning:        "the sandbox (gofakes3) keeps no versions",
		UploadPartCopy:    "the sandbox (gofakes3) does not implement UploadPartCopy",
		ConditionalPut:    "the sandbox (gofakes3) ignores If-None-Match on PutObject",
		CacheControl:      "the sandbox (gofakes3) does not store Cache-Control",
	},
	Versity: {
		Versioning: "versitygw keeps versions only with --versioning-dir (StartVersityVersioned)",
	},
	MinIO: {
		UploadsByPrefix:   "MinIO lists multipart uploads by exact key only (a folder prefix lists none)",
		ObjectACL:         "MinIO has no object ACLs (PutObjectAcl accepts only private)",
		PublicAccessBlock: "MinIO does not implement the public access block",
	},
	Rclone: {
		ObjectACL:         "rclone serve s3 has no ACLs",
		BucketPolicy:      "rclone serve s3 has no bucket policies",
		PublicAccessBlock: "rclone serve s3 has no public access block",
		Versioning:        "rclone serve s3 has no versioning",
	},
}

// Supports tells whether the server has the feature.
func (s *Server) Supports(f Feature) bool {
	_, missing := lacks[s.Kind][f]
	return !missing
}

// Lacks is why the server does not have f ("" when it does).
func (s *Server) Lacks(f Feature) string { return lacks[s.Kind][f] }

// Require skips the test on a server without f, naming the server and
// saying why.
func (s *Server) Require(t testing.TB, f Feature) {
	t.Helper()
	if why, missing := lacks[s.Kind][f]; missing {
		s.Skip(t, why)
	}
}
