// Package bulk runs one operation over many objects (a selection or a whole
// prefix) as a job that survives a crash, a restart or a lost network: a
// dry run first (Plan), then bounded parallel work whose progress is
// journaled in the app's state folder (journal.go), so that a resumed job
// neither redoes nor skips a key, a failures CSV at the end, and retry of
// the failed keys only. It never imports fyne.
//
// The operations (ops.go) call the storage.Service API: batched
// DeleteObjects, Copy/Rename, SetMetadata, SetObjectCannedACL, and the
// tagging, storage-class and restore calls. Throttling is the service's
// business: its one retry policy (storage/retry.go) backs off on SlowDown;
// the engine does not retry a request again, it records the key as failed.
package bulk

import (
	"fmt"
	"strings"
	"time"

	"s3desk/storage"
)

// Kind names an operation.
type Kind string

// The operations of a bulk job.
const (
	Delete       Kind = "delete"
	Copy         Kind = "copy"
	Move         Kind = "move"
	Metadata     Kind = "metadata"      // Content-Type, Cache-Control, user metadata
	ACL          Kind = "acl"           // make public (public-read) or private
	StorageClass Kind = "storage-class" // needs storage.Service.SetStorageClass
	Tags         Kind = "tags"          // set (replace) tags; empty Tags removes them
	Restore      Kind = "restore"       // restore from an archive class
)

// Item is one object a job touches.
type Item struct {
	Key  string
	Size int64
	ETag string
}

// Source is what a job runs over: explicit objects, and folders listed
// recursively (each prefix used as given, normally ending in "/").
type Source struct {
	Bucket   string
	Keys     []Item
	Prefixes []string
}

// Spec describes a job. It is written once, atomically, when the job is
// created (spec.json) and never changes.
type Spec struct {
	ID      string
	Created time.Time
	Op      Kind
	Source  Source

	// Copy and move: each key's BasePrefix is replaced by DestPrefix in
	// DestBucket ("" = the source bucket).
	DestBucket string
	DestPrefix string
	BasePrefix string

	// Metadata: the change (empty fields keep the current value).
	Metadata storage.MetadataUpdate
	// ACL: true makes objects public-read, false private.
	Public bool
	// StorageClass: the new class, e.g. "STANDARD_IA".
	Class string
	// Tags: the tag set that replaces each object's tags (an empty set
	// removes them); with TagsMerge, added to the tags each object has.
	Tags      map[string]string
	TagsMerge bool
	// Restore: days to keep the restored copy, and the tier
	// ("Standard", "Bulk", "Expedited").
	RestoreDays int32
	RestoreTier string

	// Concurrency is how many requests run at once (0: DefaultConcurrency).
	Concurrency int
	// Planned is the dry run's count and bytes (0 when none was run).
	PlannedObjects int64
	PlannedBytes   int64
}

// DefaultConcurrency is how many requests of a job run at once.
const DefaultConcurrency = 16

// Dest is where a copy or move puts key.
func (s Spec) Dest(key string) storage.ObjectRef {
	b := s.DestBucket
	if b == "" {
		b = s.Source.Bucket
	}
	return storage.ObjectRef{Bucket: b, Key: s.DestPrefix + strings.TrimPrefix(key, s.BasePrefix)}
}

// Describe is a one-line English description of the job for lists and logs.
func (s Spec) Describe() string {
	where := s.Source.Bucket
	switch {
	case len(s.Source.Prefixes) == 1 && len(s.Source.Keys) == 0:
		where += "/" + s.Source.Prefixes[0]
	default:
		where += fmt.Sprintf(" (%d selected)", len(s.Source.Keys)+len(s.Source.Prefixes))
	}
	switch s.Op {
	case Copy, Move:
		d := s.Dest("")
		return fmt.Sprintf("%s %s to %s/%s", s.Op, where, d.Bucket, d.Key)
	case ACL:
		if s.Public {
			return "make public " + where
		}
		return "make private " + where
	case StorageClass:
		return fmt.Sprintf("storage class %s for %s", s.Class, where)
	}
	return string(s.Op) + " " + where
}

// validate refuses specs that cannot run.
func (s Spec) validate() error {
	bad := func(msg string) error {
		return &storage.Error{Op: "bulk " + string(s.Op), Bucket: s.Source.Bucket, Kind: storage.ErrInvalidArgument, Msg: msg}
	}
	if s.Source.Bucket == "" {
		return bad("bulk job: no bucket was named")
	}
	if len(s.Source.Keys) == 0 && len(s.Source.Prefixes) == 0 {
		return bad("bulk job: nothing was selected; pick objects or a folder")
	}
	switch s.Op {
	case Delete, Metadata, ACL, Tags:
	case StorageClass:
		if s.Class == "" {
			return bad("bulk storage class: no storage class was chosen")
		}
	case Restore:
		if s.RestoreDays < 1 {
			return bad("bulk restore: say for how many days (1 or more) the restored copy is kept")
		}
	case Copy, Move:
		d := s.Dest("")
		if d.Bucket == s.Source.Bucket && s.DestPrefix == s.BasePrefix {
			return bad(fmt.Sprintf("bulk %s: the destination is the source itself; pick another folder or bucket", s.Op))
		}
		if d.Bucket == s.Source.Bucket && strings.HasPrefix(s.DestPrefix, s.BasePrefix) {
			for _, p := range s.Source.Prefixes {
				if strings.HasPrefix(s.DestPrefix, p) {
					return bad(fmt.Sprintf("bulk %s: cannot put folder %q inside itself (%q)", s.Op, p, s.DestPrefix))
				}
			}
		}
	default:
		return bad(fmt.Sprintf("bulk job: unknown operation %q", s.Op))
	}
	return nil
}
