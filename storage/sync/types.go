// Package sync keeps a local folder and a prefix, or two prefixes, in step:
// a streamed plan (Plan) that the user previews and edits, then Apply, which
// feeds the transfer engine (storage/transfer) and batched deletes. Saved
// sync pairs live in sync-pairs.json beside the profiles (pairs.go).
package sync

import (
	"time"

	"s3desk/storage"
)

// Direction is which way a sync copies.
type Direction int

const (
	// LocalToRemote uploads a local folder to a prefix.
	LocalToRemote Direction = iota
	// RemoteToLocal downloads a prefix to a local folder.
	RemoteToLocal
	// RemoteToRemote copies a prefix to another prefix, of the same
	// account or another one.
	RemoteToRemote
)

func (d Direction) String() string {
	return [...]string{"local to remote", "remote to local", "remote to remote"}[d]
}

// Compare is how a file that is on both sides is found changed.
type Compare int

const (
	// CompareSizeTime: a different size, or a newer source. Uploads keep
	// the local modification time in the "mtime" metadata (as rclone does);
	// without it the object's Last-Modified stands in.
	CompareSizeTime Compare = iota
	// CompareChecksum: a different size or content checksum (the MD5 ETag
	// of a single-part object, or a full-object CRC/SHA the server keeps).
	// Where neither side has a checksum to compare, size and time decide and
	// the row says so.
	CompareChecksum
	// CompareSize: only a different size.
	CompareSize
)

func (c Compare) String() string {
	return [...]string{"size and time", "checksum", "size only"}[c]
}

// Remote is a prefix of a bucket on one account.
type Remote struct {
	Service *storage.Service
	Bucket  string
	Prefix  string // "" = the whole bucket; otherwise ends in "/" (added if missing)
}

// Options say what to sync.
type Options struct {
	Direction Direction
	// Local is the folder (the source of LocalToRemote, the destination of
	// RemoteToLocal).
	Local string
	// Src is the source prefix (RemoteToLocal, RemoteToRemote); Dst the
	// destination prefix (LocalToRemote, RemoteToRemote).
	Src, Dst Remote
	Compare  Compare
	// Mirror also deletes what the destination has and the source has not.
	Mirror bool
	// Filters exclude paths on both sides (filter.go): "*.tmp", ".git/",
	// "build/*.o". Excluded files are neither copied nor deleted.
	Filters []string
}

// Action is what a row of the plan does.
type Action int

const (
	Unchanged Action = iota // on both sides and the same
	New                     // only in the source: copied
	Changed                 // on both sides, different: replaced
	Delete                  // only in the destination, mirror: deleted
	Skip                    // left out, with the reason
)

func (a Action) String() string {
	return [...]string{"unchanged", "new", "changed", "delete", "skip"}[a]
}

// Row is one path of the plan.
type Row struct {
	Rel    string // the path below both sides, "/"-separated
	Action Action
	// Reason says why: "new", "changed: size", "changed: time",
	// "changed: checksum", "only in the destination", "skipped: …".
	Reason string
	// Size is the source's size (for Delete, the destination's); DstSize is
	// the destination's when it has the path.
	Size, DstSize int64
	// ModTime is the source's modification time (Last-Modified for objects).
	ModTime time.Time
	// ETag is the source object's ETag (a download or copy fails if the
	// object changed after the plan).
	ETag string
	// InDst tells the destination has this path.
	InDst bool
	// ID is the transfer ID Apply gives the copy (0: the engine picks one),
	// so that a caller can show the row before it starts.
	ID int64
}

// Summary counts a plan or the rows the user kept.
type Summary struct {
	New, Changed, Deleted, Skipped, Unchanged int
	NewBytes, ChangedBytes, DeletedBytes      int64
	// DstFiles is how many files the destination holds (within the filters).
	DstFiles int
}

// Add counts one row.
func (s *Summary) Add(r Row) {
	if r.InDst {
		s.DstFiles++
	}
	switch r.Action {
	case Unchanged:
		s.Unchanged++
	case New:
		s.New++
		s.NewBytes += r.Size
	case Changed:
		s.Changed++
		s.ChangedBytes += r.Size
	case Delete:
		s.Deleted++
		s.DeletedBytes += r.DstSize
	case Skip:
		s.Skipped++
	}
}

// Work is how many rows would change something.
func (s Summary) Work() int { return s.New + s.Changed + s.Deleted }

// Guard is the mirror guard: deleting more than Files files, or more than
// Percent of the destination's files, needs the user to type the count.
type Guard struct {
	Files   int
	Percent float64
}

// DefaultGuard is 50 files or 10%.
var DefaultGuard = Guard{Files: 50, Percent: 10}

// NeedsConfirm tells whether deleting deletes of dstFiles files needs the
// typed count.
func (g Guard) NeedsConfirm(deletes, dstFiles int) bool {
	if deletes == 0 {
		return false
	}
	if g.Files <= 0 && g.Percent <= 0 {
		g = DefaultGuard
	}
	return deletes > g.Files || float64(deletes)*100 > g.Percent*float64(max(dstFiles, 1))
}
