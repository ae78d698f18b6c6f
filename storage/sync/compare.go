package sync

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/verify"
	"s3desk/storage/transfer"
)

// comparer decides whether a path on both sides changed.
type comparer struct{ o Options }

// mtimeWindow: two modification times this close are the same (rclone's
// float mtime loses a little of the nanoseconds).
const mtimeWindow = time.Millisecond

// clockWindow is how far apart this computer's file times and the server's
// Last-Modified may be for the same moment.
const clockWindow = time.Second

func sameTime(a, b time.Time, window time.Duration) bool {
	d := a.Sub(b)
	return d < window && d > -window
}

func (c *comparer) both(ctx context.Context, s, d entry) (Row, error) {
	r := Row{Rel: s.rel, Size: s.size, DstSize: d.size, ModTime: s.mod, ETag: s.etag, InDst: true}
	switch {
	case s.skip != "":
		r.Action, r.Reason = Skip, "skipped: "+s.skip
		return r, nil
	case d.skip != "":
		r.Action, r.Reason = Skip, "skipped: the destination's "+d.skip
		return r, nil
	case s.size != d.size:
		r.Action, r.Reason = Changed, "changed: size"
		return r, nil
	}
	var changed bool
	var reason string
	var err error
	switch c.o.Compare {
	case CompareSize:
	case CompareChecksum:
		changed, reason, err = c.checksum(ctx, s, d)
	default:
		changed, err = c.newer(ctx, s, d)
		reason = "changed: time"
	}
	if err != nil {
		return r, err
	}
	if changed {
		r.Action, r.Reason = Changed, reason
	} else {
		r.Action, r.Reason = Unchanged, ""
		if reason != "" {
			r.Reason = reason // e.g. "same size and time (no checksum to compare)"
		}
	}
	return r, nil
}

// newer is the size-and-time comparison of two files of the same size. It
// reads an object's "mtime" metadata (one HEAD) only when its Last-Modified
// cannot settle it, so that an unchanged tree costs no request per file.
func (c *comparer) newer(ctx context.Context, s, d entry) (bool, error) {
	switch c.o.Direction {
	case LocalToRemote:
		// The object was stored after the file was last changed: the file
		// is the one uploaded. A file changed within a second of the upload
		// is looked at closer (Last-Modified may be in whole seconds, a
		// file's time lags the clock by a tick, clocks differ a little).
		if !s.mod.After(d.mod.Add(-clockWindow)) {
			return false, nil
		}
		m, ok, err := c.mtime(ctx, c.o.Dst, d)
		if err != nil {
			return false, err
		}
		return !ok || !sameTime(m, s.mod, mtimeWindow), nil
	case RemoteToLocal:
		// Downloads set the file's time to the object's Last-Modified.
		if sameTime(s.mod, d.mod, time.Second) {
			return false, nil
		}
		m, ok, err := c.mtime(ctx, c.o.Src, s)
		if err != nil {
			return false, err
		}
		return !ok || !sameTime(m, d.mod, mtimeWindow), nil
	default:
		// The same ETag is the same content (a streamed copy keeps it).
		if s.etag != "" && strings.EqualFold(strings.Trim(s.etag, `"`), strings.Trim(d.etag, `"`)) {
			return false, nil
		}
		// A copy is written after its source; a source written since is
		// newer (or within a second of the copy: looked at closer).
		if !s.mod.After(d.mod.Add(-clockWindow)) {
			return false, nil
		}
		// Unless both carry the same mtime (another server's clock).
		dm, dok, err := c.mtime(ctx, c.o.Dst, d)
		if err != nil || !dok {
			return true, err
		}
		sm, sok, err := c.mtime(ctx, c.o.Src, s)
		if err != nil {
			return false, err
		}
		return !sok || !sameTime(sm, dm, mtimeWindow), nil
	}
}

// mtime is an object's "mtime" metadata.
func (c *comparer) mtime(ctx context.Context, r Remote, e entry) (time.Time, bool, error) {
	info, err := r.Service.Stat(ctx, r.Bucket, e.key)
	if err != nil {
		return time.Time{}, false, err
	}
	m, ok := transfer.ParseModTime(info.Metadata[transfer.MetaModTime])
	return m, ok, nil
}

// sums is what is known of one side's content.
type sums struct {
	md5      string // hex
	alg, val string // full-object checksum, base64
}

// checksum compares two files of the same size by content: the MD5 ETag
// of single-part objects first (no request), then the checksums a HEAD
// gives, then the local file's own hash of the same kind. Without a
// checksum to compare, size and time decide.
func (c *comparer) checksum(ctx context.Context, s, d entry) (bool, string, error) {
	const reason = "changed: checksum"
	sm, dm := plainMD5(s.etag), plainMD5(d.etag)
	switch c.o.Direction {
	case RemoteToRemote:
		if s.etag != "" && s.etag == d.etag {
			return false, "", nil // same ETag: same content (and parts)
		}
		ss, err := c.remoteSums(ctx, c.o.Src, s)
		if err != nil {
			return false, "", err
		}
		ds, err := c.remoteSums(ctx, c.o.Dst, d)
		if err != nil {
			return false, "", err
		}
		if ss.md5 != "" && ds.md5 != "" {
			return ss.md5 != ds.md5, reason, nil
		}
		if ss.alg != "" && ss.alg == ds.alg {
			return ss.val != ds.val, reason, nil
		}
		return c.fallback(ctx, s, d)
	}
	// One side local.
	local, remote, r, etagMD5 := s, d, c.o.Dst, dm
	if c.o.Direction == RemoteToLocal {
		local, remote, r, etagMD5 = d, s, c.o.Src, sm
	}
	if etagMD5 != "" {
		h, err := hashFile(local.path, "MD5")
		if err != nil {
			return false, "", err
		}
		if h == etagMD5 {
			return false, "", nil
		}
	}
	rs, err := c.remoteSums(ctx, r, remote)
	if err != nil {
		return false, "", err
	}
	if rs.md5 != "" {
		h, err := hashFile(local.path, "MD5")
		if err != nil {
			return false, "", err
		}
		return h != rs.md5, reason, nil
	}
	if rs.alg != "" {
		h, err := hashFile(local.path, rs.alg)
		if err != nil {
			return false, "", err
		}
		return h != rs.val, reason, nil
	}
	return c.fallback(ctx, s, d)
}

func (c *comparer) fallback(ctx context.Context, s, d entry) (bool, string, error) {
	changed, err := c.newer(ctx, s, d)
	if changed {
		return true, "changed: time (no checksum to compare)", err
	}
	return false, "same size and time (no checksum to compare)", err
}

func (c *comparer) remoteSums(ctx context.Context, r Remote, e entry) (sums, error) {
	cs, err := r.Service.Checksum(ctx, r.Bucket, e.key)
	if err != nil {
		return sums{}, err
	}
	return sums{md5: cs.MD5, alg: cs.Alg, val: cs.Value}, nil
}

// plainMD5 is the hex MD5 an ETag looks like, "" for a multipart one. An
// SSE-KMS ETag looks the same but is not an MD5: a mismatch is checked
// with a HEAD before it counts.
func plainMD5(etag string) string {
	e := strings.ToLower(strings.Trim(etag, `"`))
	if len(e) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(e); err != nil {
		return ""
	}
	return e
}

// hashFile is the file's MD5 (hex) or other checksum (base64, as S3 gives
// them).
func hashFile(p, alg string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", &storage.Error{Op: "sync", Kind: storage.ErrNotFound, Err: err, Msg: "sync: cannot read " + p + ": " + errText(err)}
	}
	defer f.Close()
	h := verify.NewHash(alg)
	if _, err := io.Copy(h, f); err != nil {
		return "", &storage.Error{Op: "sync", Kind: storage.ErrNotFound, Err: err, Msg: "sync: cannot read " + p + ": " + errText(err)}
	}
	if alg == "MD5" {
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}
