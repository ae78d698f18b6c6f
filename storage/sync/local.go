package sync

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"s3desk/storage"
)

// entry is one file of one side, as the listings give them: in the byte
// order of rel, the order S3 lists keys in (UTF-8 binary).
type entry struct {
	rel  string
	size int64
	mod  time.Time
	etag string // remote only
	key  string // remote: the full key
	path string // local: the file's path
	// skip is why the file is left out; a skipped file of the source keeps
	// its counterpart in the destination. A skipped folder has a rel ending
	// in "/" and covers everything below it.
	skip string
}

// walkLocal lists the files under root in key order. Each folder is read
// whole and sorted (a folder's name sorts as name + "/", as its keys do),
// so that memory holds the folders on the way down, never the tree. A
// missing root is empty (the destination of a first download).
//
// Like uploads (storage/transfer PlanUpload), links are followed only to
// files inside the folder; links outside it, links to folders (loops or a
// second path to a folder) and special files are skipped with the reason.
func walkLocal(ctx context.Context, root string, f *filter) iter.Seq2[entry, error] {
	return func(yield func(entry, error) bool) {
		real, err := filepath.EvalSymlinks(root)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err == nil {
			real, err = filepath.Abs(real)
		}
		if err != nil {
			yield(entry{}, &storage.Error{Op: "sync", Kind: storage.ErrNotFound, Err: err,
				Msg: "sync: cannot read the folder " + root + ": " + errText(err)})
			return
		}
		if st, err := os.Stat(real); err != nil || !st.IsDir() {
			yield(entry{}, &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument,
				Msg: "sync: " + root + " is not a folder; choose a folder"})
			return
		}
		w := &walker{ctx: ctx, root: real, f: f, yield: yield}
		w.dir(root, "")
	}
}

type walker struct {
	ctx   context.Context
	root  string
	f     *filter
	yield func(entry, error) bool
	done  bool
}

func (w *walker) emit(e entry, err error) bool {
	if w.done {
		return false
	}
	if !w.yield(e, err) {
		w.done = true
	}
	return !w.done
}

type dirItem struct {
	name, sortKey string
	d             fs.DirEntry
}

// dir lists one folder (relDir "" or ending in "/") and recurses.
func (w *walker) dir(dir, relDir string) bool {
	if err := w.ctx.Err(); err != nil {
		return w.emit(entry{}, storage.MapError("sync", "", "", err))
	}
	ents, err := os.ReadDir(dir)
	if err != nil && len(ents) == 0 {
		if relDir == "" {
			return w.emit(entry{}, &storage.Error{Op: "sync", Kind: storage.ErrAccessDenied, Err: err,
				Msg: "sync: cannot read the folder " + dir + ": " + errText(err)})
		}
		return w.emit(entry{rel: relDir, path: dir, skip: "cannot read the folder: " + errText(err)}, nil)
	}
	items := make([]dirItem, 0, len(ents))
	for _, d := range ents {
		k := d.Name()
		if d.IsDir() {
			k += "/"
		} else if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(dir, k)); err == nil && st.IsDir() {
				k += "/" // a link to a folder is a skipped folder (link)
			}
		}
		items = append(items, dirItem{d.Name(), k, d})
	}
	slices.SortFunc(items, func(a, b dirItem) int { return strings.Compare(a.sortKey, b.sortKey) })
	for _, it := range items {
		p := filepath.Join(dir, it.name)
		rel := relDir + it.name
		if !utf8.ValidString(it.name) {
			if !w.emit(entry{rel: rel, path: p, skip: "the name is not valid UTF-8, which keys must be"}, nil) {
				return false
			}
			continue
		}
		if isTempName(it.name) {
			continue // a download in progress
		}
		switch t := it.d.Type(); {
		case t&fs.ModeSymlink != 0:
			if w.f.excluded(rel) {
				continue
			}
			if !w.emit(w.link(p, rel)) {
				return false
			}
		case it.d.IsDir():
			if w.f.excludedDir(rel) {
				continue
			}
			if !w.dir(p, rel+"/") {
				return false
			}
		case t.IsRegular():
			if w.f.excluded(rel) {
				continue
			}
			info, err := it.d.Info()
			if err != nil {
				if !w.emit(entry{rel: rel, path: p, skip: "cannot read: " + errText(err)}, nil) {
					return false
				}
				continue
			}
			if !w.emit(entry{rel: rel, path: p, size: info.Size(), mod: info.ModTime()}, nil) {
				return false
			}
		default:
			if w.f.excluded(rel) {
				continue
			}
			if !w.emit(entry{rel: rel, path: p, skip: "not a regular file (device, socket or pipe)"}, nil) {
				return false
			}
		}
	}
	return !w.done
}

// link is the entry of a symbolic link: its target file if inside the
// folder, else a skip.
func (w *walker) link(p, rel string) (entry, error) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return entry{rel: rel, path: p, skip: "broken link or link loop: " + errText(err)}, nil
	}
	target, _ = filepath.Abs(target)
	if !within(target, w.root) {
		return entry{rel: rel, path: p, skip: "link points outside the folder (to " + target + "); not synced"}, nil
	}
	st, err := os.Stat(target)
	if err != nil {
		return entry{rel: rel, path: p, skip: "cannot read the link's target: " + errText(err)}, nil
	}
	if st.IsDir() {
		return entry{rel: rel + "/", path: p, skip: "link to a folder (a loop or a second path to a folder); not followed"}, nil
	}
	if !st.Mode().IsRegular() {
		return entry{rel: rel, path: p, skip: "not a regular file"}, nil
	}
	return entry{rel: rel, path: p, size: st.Size(), mod: st.ModTime()}, nil
}

// within tells whether p is root or inside it (both cleaned, absolute).
func within(p, root string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

// isTempName: a download's temp file (storage/transfer's tempNameFor).
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".s3desk-") && strings.HasSuffix(name, ".part")
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
