// Package versions is the object-versions feature: a folder's versions page
// by page, grouped under their keys, the bucket's versioning status, and
// bringing versions back: restore a version over the current one, delete a
// version for good, undelete a key or a whole folder. It is built on the
// storage service's API (ListVersions, the guarded ListObjectVersions
// listing; Copy with a source version; DeleteVersions).
package versions

import (
	"context"
	"iter"
	"strings"

	"s3desk/storage"
)

// Service is the versions feature of one storage service.
type Service struct {
	svc      *storage.Service
	pageSize int32 // of the scans (undelete, plan); 0 = the service's default
}

// New is the versions feature of svc.
func New(svc *storage.Service) *Service { return &Service{svc: svc} }

// Status is a bucket's versioning state.
type Status string

// The versioning states.
const (
	Never     Status = Status(storage.VersioningNever)     // never turned on: no versions to show
	Enabled   Status = Status(storage.VersioningEnabled)   // writes keep the old versions
	Suspended Status = Status(storage.VersioningSuspended) // old versions stay; new writes replace the "null" one
)

// HasVersions tells whether a bucket in state st can hold versions
// (versioning is or was on).
func (st Status) HasVersions() bool { return st == Enabled || st == Suspended }

// Status is bucket's versioning state. A service without versioning gives
// Never.
func (s *Service) Status(ctx context.Context, bucket string) (Status, error) {
	st, err := s.svc.VersioningStatus(ctx, bucket)
	return Status(st), err
}

// Version is one version of a key, or one of its delete markers.
type Version = storage.ObjectVersion

// Key is a key and its versions on one page, newest first.
type Key struct {
	Key      string
	Name     string // Key without the listed prefix
	Versions []Version
}

// Latest is the key's latest version when it is on this page.
func (k Key) Latest() (Version, bool) {
	for _, v := range k.Versions {
		if v.IsLatest {
			return v, true
		}
	}
	return Version{}, false
}

// Page is one page of a folder's versions: its sub-folders, and its keys
// with their versions. A key's versions may go on in the next page: its
// first Key then has the same Key as this page's last.
type Page struct {
	Folders []storage.Entry
	Keys    []Key
	Last    bool
}

// ListOptions choose what List returns.
type ListOptions struct {
	// Prefix is the folder ("" = the bucket's top level), normally ending
	// in "/".
	Prefix string
	// PageSize is how many versions one request asks for; 0 means 1000.
	PageSize int32
}

// List lists one level of bucket under opts.Prefix, page by page (never the
// whole folder at once): folders, and each key with its versions and delete
// markers. The folder's own marker object (key == Prefix, ending in "/") is
// left out. The caller may stop early.
func (s *Service) List(ctx context.Context, bucket string, opts ListOptions) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		for vp, err := range s.svc.ListVersions(ctx, bucket, storage.VersionListOptions{Prefix: opts.Prefix, PageSize: opts.PageSize}) {
			if err != nil {
				yield(Page{Last: true}, err)
				return
			}
			page := Page{Folders: vp.Folders, Last: vp.Last}
			for _, v := range vp.Versions {
				if v.Key == opts.Prefix && strings.HasSuffix(v.Key, storage.Delimiter) {
					continue
				}
				if n := len(page.Keys); n > 0 && page.Keys[n-1].Key == v.Key {
					page.Keys[n-1].Versions = append(page.Keys[n-1].Versions, v)
					continue
				}
				page.Keys = append(page.Keys, Key{Key: v.Key, Name: strings.TrimPrefix(v.Key, opts.Prefix), Versions: []Version{v}})
			}
			if !yield(page, nil) {
				return
			}
		}
	}
}
