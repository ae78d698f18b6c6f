package storage

import "time"

// Bucket is one bucket of the account.
type Bucket struct {
	Name    string
	Region  string // "" when the service did not say
	Created time.Time
}

// Entry is one row of a listing: a folder (common prefix) or an object.
type Entry struct {
	Key          string // full key; for folders the prefix, ending in the delimiter
	Name         string // Key without the listed prefix (folders keep their trailing "/")
	IsFolder     bool
	Size         int64
	LastModified time.Time
	ETag         string
	StorageClass string
	Restore      RestoreStatus // archived objects, where the listing reports it
	VersionID    string        // "" for the current version; set on a version's row (download, preview)
}

// ObjectRef names one object, or with VersionID one version of it (Copy's
// source, DeleteVersions).
type ObjectRef struct {
	Bucket    string
	Key       string
	VersionID string // "" = the current version
}

// ObjectInfo is what HeadObject says about an object.
type ObjectInfo struct {
	Bucket             string
	Key                string
	Size               int64
	ETag               string
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	StorageClass       string
	Restore            RestoreStatus // x-amz-restore of an archived object
	LastModified       time.Time
	VersionID          string
	Metadata           map[string]string // user metadata, without the x-amz-meta- prefix

	// ServerSideEncryption is how the object is encrypted at rest
	// ("AES256", "aws:kms", "aws:kms:dsse"; "" unknown), KMSKeyID the KMS key.
	ServerSideEncryption string
	KMSKeyID             string
}

// Usage counts the objects and bytes under a prefix.
type Usage struct {
	Objects int64
	Bytes   int64
}
