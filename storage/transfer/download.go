package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/internal/verify"
)

// DownloadItem is one object and where it goes under the chosen folder.
type DownloadItem struct {
	ID           int64 // 0 = assigned by Download
	Bucket, Key  string
	Size         int64
	ETag         string    // when known, the download fails if the object changed meanwhile
	VersionID    string    // "" = the current version, else that version of Key
	LastModified time.Time // set on the local file
	Rel          string    // safe relative local path, "/" separated (from PlanDownload)
}

// DownloadPlan is what PlanDownload found.
type DownloadPlan struct {
	Items   []DownloadItem
	Skipped []Skipped // unsafe keys and case/Unicode collisions, by key
	Bytes   int64
}

// DownloadOptions apply to a download batch.
type DownloadOptions struct {
	Conflict ConflictPolicy // for local files that exist
}

// SafeLocalPath turns the part of a key below the folder being downloaded
// into a relative local path, or explains why it cannot be one. Keys are
// data: "../x", "a/../../x", "/etc/x", `..\x`, `C:\x` and full-width
// "．．/x" are refused; "file..txt", "..." and "a//b" (as a/b) are fine.
func SafeLocalPath(rel string) (string, error) {
	refuse := func(why string) (string, error) {
		return "", &storage.Error{Op: "download", Key: rel, Kind: storage.ErrInvalidName,
			Msg: fmt.Sprintf("the key %q %s; not downloaded", rel, why)}
	}
	if rel == "" {
		return refuse("has no name below the folder")
	}
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) {
		return refuse("is an absolute path")
	}
	if len(rel) >= 2 && rel[1] == ':' && unicode.IsLetter(rune(rel[0])) {
		return refuse("starts with a drive letter")
	}
	var segs []string
	for _, s := range strings.FieldsFunc(rel, func(r rune) bool { return r == '/' || r == '\\' }) {
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				return refuse("contains control characters")
			}
		}
		n := norm.NFKC.String(s)
		if leavesFolder(n) {
			return refuse("has a \".\" or \"..\" segment that would leave the chosen folder")
		}
		if len(s) > 255 {
			return refuse("has a segment longer than 255 bytes")
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return refuse("has no name below the folder")
	}
	return strings.Join(segs, "/"), nil
}

func foldKey(rel string) string { return strings.ToLower(norm.NFC.String(rel)) }

// PlanDownload expands entries (objects and folders, as listed under base,
// the prefix being viewed) into the files to write. Each file's local path
// is its key without base. Unsafe keys, and keys that differ from another
// only by case or Unicode form, are skipped and reported.
func (e *Engine) PlanDownload(ctx context.Context, bucket, base string, entries []storage.Entry) (DownloadPlan, error) {
	var plan DownloadPlan
	seen := map[string]string{}
	add := func(key, version string, size int64, etag string, mod time.Time) {
		if strings.HasSuffix(key, "/") && size == 0 {
			return // folder marker
		}
		rel := key
		if strings.HasPrefix(key, base) {
			rel = key[len(base):]
		} else if i := strings.LastIndex(strings.TrimSuffix(key, "/"), "/"); i >= 0 {
			rel = key[i+1:]
		}
		safe, err := SafeLocalPath(rel)
		if err != nil {
			plan.Skipped = append(plan.Skipped, Skipped{key, err.Error()})
			return
		}
		f := foldKey(safe)
		if other, ok := seen[f]; ok {
			plan.Skipped = append(plan.Skipped, Skipped{key, fmt.Sprintf(
				"differs from %q only by case or Unicode form; on this computer both would be one file, so only the first was downloaded", other)})
			return
		}
		seen[f] = key
		plan.Items = append(plan.Items, DownloadItem{Bucket: bucket, Key: key, VersionID: version, Size: size, ETag: etag, LastModified: mod, Rel: safe})
		plan.Bytes += size
	}
	for _, en := range entries {
		if !en.IsFolder {
			add(en.Key, en.VersionID, en.Size, en.ETag, en.LastModified)
			continue
		}
		for page, err := range e.s.List(ctx, bucket, storage.ListOptions{Prefix: en.Key, Recursive: true}) {
			if err != nil {
				var le *storage.Error
				if errors.As(err, &le) && le.Op == "list" {
					le.Op = "list folder"
				}
				return DownloadPlan{}, storage.IncompleteListing(err, "plan download", bucket, en.Key,
					"nothing was downloaded: try again, or download the folder's sub-folders one by one")
			}
			for _, o := range page.Objects {
				add(o.Key, "", o.Size, o.ETag, o.LastModified)
			}
		}
	}
	return plan, nil
}

// LocalExisting returns the Rel paths of items that exist under destDir,
// for the conflicts dialog.
func LocalExisting(destDir string, items []DownloadItem) []string {
	root, err := os.OpenRoot(destDir)
	if err != nil {
		return nil
	}
	defer root.Close()
	var out []string
	for _, it := range items {
		if _, err := root.Lstat(filepath.FromSlash(it.Rel)); err == nil {
			out = append(out, it.Rel)
		}
	}
	return out
}

const tempMarker = ".s3desk-"

// smallDownloadFactor: small files download Files × this many at once.
const smallDownloadFactor = 4

func isTempName(name string) bool {
	b := filepath.Base(name)
	return strings.HasPrefix(b, ".") && strings.Contains(b, tempMarker) && strings.HasSuffix(b, ".part")
}

func tempNameFor(rel string) string {
	dir, base := filepath.Split(rel)
	if len(base) > 100 {
		base = base[:100]
	}
	return filepath.Join(dir, "."+base+tempMarker+newRecordID()+".part")
}

// Download writes items into destDir, only through os.Root so that nothing
// lands outside it, not even through a symbolic link planted there. Each file
// is written to an unnamed file (or, where there are none, a temp file beside
// the target), checked (size, and checksum when the server gives a
// full-object one) and only then given its name.
func (e *Engine) Download(ctx context.Context, destDir string, items []DownloadItem, opts DownloadOptions, fn ProgressFunc) BatchResult {
	b := newBatch(fn)
	for i := range items {
		if items[i].ID == 0 {
			items[i].ID = e.NewID()
		}
		b.add(Progress{ID: items[i].ID, Bucket: items[i].Bucket, Key: items[i].Key,
			Path: filepath.Join(destDir, filepath.FromSlash(items[i].Rel)), State: StateQueued, Total: items[i].Size, ETA: -1})
	}
	ctxs := make([]context.Context, len(items))
	dones := make([]func(), len(items))
	for i := range items {
		ctxs[i], dones[i], _ = e.register(ctx, items[i].ID)
	}
	root, rootErr := os.OpenRoot(destDir)
	if rootErr == nil {
		defer root.Close()
		rootErr = nil
	} else {
		rootErr = &storage.Error{Op: "download", Kind: storage.ErrNotFound, Err: rootErr,
			Msg: fmt.Sprintf("download: cannot open the folder %s: %s", destDir, pathErrText(rootErr))}
	}
	if rootErr == nil {
		// One journal record per batch, not per file (a record per file cost
		// a quarter of a 1,000-file download in .ci/bench): after a crash the
		// next start removes this engine's temp files under destDir.
		jid := e.journal.addTemp(destDir, "")
		defer e.journal.removeTemp(jid)
	}
	var dirs *localDirs
	if rootErr == nil {
		dirs = newLocalDirs(root)
		dirs.noUnnamed.Store(e.namedTemps)
		defer dirs.Close()
	}
	// Small files stream straight into their file and hold no buffer, so
	// more of them run at once than Files; files of a part or more (each
	// with Concurrency ranged GETs) stay at Files. 1,000 x 16 KiB from
	// versitygw on loopback, fresh folders, four runs each: 8 workers
	// 0.33-0.37 s, 16: 0.28-0.37 s, 32: 0.28-0.34 s (rclone --transfers 32:
	// 0.29-0.33 s).
	large := make(chan struct{}, e.opts.Files)
	runPool(len(items), e.opts.Files*smallDownloadFactor, func(i int) {
		defer dones[i]()
		it, c := items[i], ctxs[i]
		if it.Size >= e.opts.PartSize {
			select {
			case large <- struct{}{}:
				defer func() { <-large }()
			case <-c.Done():
			}
		}
		if c.Err() != nil || rootErr != nil {
			err := rootErr
			if err == nil {
				err = storage.MapError("download", it.Bucket, it.Key, c.Err())
			}
			b.update(it.ID, func(p *Progress) { p.State, p.Err = stateFor(c, err), err })
			return
		}
		b.update(it.ID, func(p *Progress) { p.State = StateRunning })
		rel, skipped, err := e.downloadOne(c, dirs, destDir, it, opts, b)
		b.update(it.ID, func(p *Progress) {
			p.Path = filepath.Join(destDir, filepath.FromSlash(rel))
			if rel != it.Rel {
				p.Note = "saved as " + rel
			}
			settle(p, c, skipped, err)
		})
	})
	return b.result()
}

// countingWriterAt reports the bytes of the file written so far, at most
// every 100 ms, counting a range written again (a retried GET) once. It
// also paces the download to the bandwidth limit.
type countingWriterAt struct {
	w     io.WriterAt
	ext   verify.Extents
	last  atomic.Int64
	flush func(int64)
	ctx   context.Context
	limit *RateLimiter
}

func (c *countingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	if err := c.limit.WaitN(c.ctx, len(p)); err != nil {
		return 0, err
	}
	n, err := c.w.WriteAt(p, off)
	total := c.ext.Add(off, int64(n))
	now := time.Now().UnixNano()
	if last := c.last.Load(); now-last > int64(100*time.Millisecond) && c.last.CompareAndSwap(last, now) {
		c.flush(total)
	}
	return n, err
}

func (e *Engine) downloadOne(ctx context.Context, dirs *localDirs, destDir string, it DownloadItem, opts DownloadOptions,
	b *batch) (string, string, error) {
	rel, err := SafeLocalPath(it.Rel)
	if err != nil {
		return it.Rel, "", err
	}
	fail := func(err error) (string, string, error) {
		var se *storage.Error
		if errors.As(err, &se) {
			return rel, "", err
		}
		return rel, "", &storage.Error{Op: "download", Bucket: it.Bucket, Key: it.Key, Kind: storage.ErrInvalidArgument, Err: err,
			Msg: fmt.Sprintf("download of %q: cannot write %s in %s: %s", it.Key, filepath.FromSlash(rel), destDir, pathErrText(err))}
	}
	// Every operation below names one entry of the file's own folder.
	dir, name := path.Split(rel)
	ld, release, err := dirs.acquire(strings.TrimSuffix(dir, "/"))
	if err != nil {
		return fail(err)
	}
	defer release()
	folder := ld.r
	setName := func(n string) {
		name = n
		rel = dir + n
	}
	folderInTheWay := func() (string, string, error) {
		return fail(fmt.Errorf("a folder named %s exists there", filepath.FromSlash(rel)))
	}
	// Overwrite looks only after the download (placing fails on a folder),
	// which saves a system call per file.
	if opts.Conflict != ConflictOverwrite {
		if st, err := folder.Lstat(name); err == nil {
			if st.IsDir() {
				return folderInTheWay()
			}
			if opts.Conflict == ConflictSkip {
				return rel, "a local file with that name exists; kept it", nil
			}
			setName(localFreeName(folder, name)) // keep both
		}
	}

	// An unnamed file (temp == "") or a temp file beside the target.
	f, temp, err := dirs.create(ld, name)
	if err != nil {
		return fail(err)
	}
	placed := false
	defer func() {
		if !placed {
			f.Close()
			if temp != "" {
				_ = folder.Remove(temp)
			}
		}
	}()
	cw := &countingWriterAt{w: f, ctx: ctx, limit: e.opts.Limiter, flush: func(n int64) {
		b.update(it.ID, func(p *Progress) { p.Done, p.Retries = min(n, p.Total), verify.RetriesIn(ctx) })
	}}
	// Files smaller than a part take one plain GET: the transfer manager's
	// ranged machinery only adds work for them (.ci/bench, 1,000 small files).
	var verified string
	if it.Size < e.opts.PartSize {
		verified, err = e.getSmall(ctx, it, cw)
	} else {
		verified, err = e.getLarge(ctx, it, cw, f)
	}
	var mismatch *verify.ChecksumMismatch
	if errors.As(err, &mismatch) {
		return rel, "", &storage.Error{Op: "download", Bucket: it.Bucket, Key: it.Key, Kind: storage.ErrProtocol, Err: err,
			Msg: fmt.Sprintf("download of %q: %v; the file was not saved (the network or the server changed the data)", it.Key, mismatch)}
	}
	if err != nil {
		if ctx.Err() != nil {
			return rel, "", &storage.Error{Op: "download", Bucket: it.Bucket, Key: it.Key, Err: context.Canceled,
				Msg: fmt.Sprintf("download of %q cancelled; no file was written", it.Key)}
		}
		var be *verify.BodyError
		if errors.As(err, &be) {
			err = be.Err
		}
		return rel, "", storage.MapError("download", it.Bucket, it.Key, err)
	}
	// No fsync before the rename: a killed app never leaves a partial file
	// under the final name either way (the rename is atomic), and syncing each
	// file cost 27% of a 1 GiB download (.ci/bench); like rsync and rclone,
	// durability against power loss is left to the filesystem.
	// Only the bytes that are in the file count: a range written twice (a
	// retried GET) once, and every byte of [0, Size) must have been written.
	if !cw.ext.Covers(it.Size) {
		return rel, "", &storage.Error{Op: "download", Bucket: it.Bucket, Key: it.Key, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("download of %q: got %d bytes, expected %d; the object may have changed, try again; the file was not saved", it.Key, cw.ext.Written(), it.Size)}
	}
	b.update(it.ID, func(p *Progress) { p.Verified = verified })
	if temp == "" {
		err = dirs.placeUnnamed(e, ld, f, it.Size, &name, opts.Conflict)
		placed = true
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	} else {
		if err := f.Close(); err != nil {
			return fail(err)
		}
		placed = true
		err = e.place(folder, temp, &name, opts.Conflict)
		if err != nil {
			_ = folder.Remove(temp)
		}
	}
	setName(name)
	if err != nil {
		if st, serr := folder.Lstat(name); serr == nil && st.IsDir() {
			return folderInTheWay()
		}
		if errors.Is(err, fs.ErrExist) {
			return rel, "a local file with that name appeared meanwhile; kept it", nil
		}
		return fail(err)
	}
	if !it.LastModified.IsZero() {
		_ = folder.Chtimes(name, time.Now(), it.LastModified)
	}
	return rel, "", nil
}

// place moves the verified temp file to name, both in folder. Without
// overwrite it uses a hard link, which fails if the name exists, so a file
// created meanwhile is kept.
func (e *Engine) place(folder *os.Root, temp string, name *string, policy ConflictPolicy) error {
	if policy == ConflictOverwrite {
		return folder.Rename(temp, *name)
	}
	for attempt := 0; attempt < 100; attempt++ {
		err := folder.Link(temp, *name)
		if err == nil {
			return folder.Remove(temp)
		}
		if errors.Is(err, fs.ErrExist) {
			if policy == ConflictKeepBoth {
				*name = localFreeName(folder, *name)
				continue
			}
			return err
		}
		// No hard links here (some filesystems): check, then rename.
		if _, serr := folder.Lstat(*name); serr == nil {
			if policy == ConflictKeepBoth {
				*name = localFreeName(folder, *name)
				continue
			}
			return fs.ErrExist
		}
		return folder.Rename(temp, *name)
	}
	return fs.ErrExist
}

// localFreeName is the first "name (n).ext" that does not exist in folder.
func localFreeName(folder *os.Root, name string) string {
	for n := 1; n < 10000; n++ {
		cand := KeepBothName(name, n)
		if _, err := folder.Lstat(cand); errors.Is(err, fs.ErrNotExist) {
			return cand
		}
	}
	return KeepBothName(name, 10000)
}

// getSmall reads the object with one GET, checking a checksum as the bytes
// arrive (no second read of the file), and GETs again when the body breaks
// off or fails its check. It returns what was verified.
func (e *Engine) getSmall(ctx context.Context, it DownloadItem, w *countingWriterAt) (string, error) {
	for attempt := 1; ; attempt++ {
		verified, err := e.getSmallOnce(ctx, it, w)
		var be *verify.BodyError
		var m *verify.ChecksumMismatch
		if err == nil || ctx.Err() != nil || attempt >= verify.BodyAttempts || !(errors.As(err, &be) || errors.As(err, &m)) {
			return verified, err
		}
		verify.AddRetryCount(ctx)
		e.s.Logger().Warn("download: GET again", "attempt", attempt+1, "err", core.Scrub(err.Error()))
	}
}

func (e *Engine) getSmallOnce(ctx context.Context, it DownloadItem, w *countingWriterAt) (string, error) {
	r, verified, err := e.acc.OpenVerified(ctx, it.Bucket, it.Key, it.VersionID, it.ETag, "download")
	if err != nil {
		return "", err
	}
	defer r.Close()
	if _, err = io.Copy(io.NewOffsetWriter(w, 0), r); err != nil {
		if ctx.Err() != nil || errors.As(err, new(*verify.ChecksumMismatch)) {
			return "", err
		}
		return "", &verify.BodyError{Err: err}
	}
	return verified(), nil
}
