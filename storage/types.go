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
}

// ObjectRef names one object.
type ObjectRef struct {
	Bucket string
	Key    string
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
}

// Usage counts the objects and bytes under a prefix.
type Usage struct {
	Objects int64
	Bytes   int64
}
