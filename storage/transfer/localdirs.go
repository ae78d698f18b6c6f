package transfer

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// maxOpenFolders bounds the folder handles a download batch keeps open.
const maxOpenFolders = 64

// errNoUnnamed: this system or filesystem cannot make unnamed files.
var errNoUnnamed = errors.New("unnamed files are not supported here")

// localDirs opens each destination folder of a download batch once, as an
// os.Root of its own, creating it if needed. A file's operations then name
// a single path component, which os.Root does in one system call; through
// the batch's top root, every operation re-opened each parent folder (12
// openat calls per file, a third of the time of 1,000 small files in
// .ci/bench). A folder handle stays confined like its parent: it was opened
// through the top root, and it keeps pointing at that folder even if the
// path is swapped for a symbolic link afterwards.
type localDirs struct {
	root      *os.Root
	mu        sync.Mutex
	open      map[string]*localDir
	noUnnamed atomic.Bool // set once unnamed files failed in this batch
}

// localDir is one open destination folder.
type localDir struct {
	r    *os.Root
	f    *os.File // the folder itself, for unnamed files (nil if it would not open)
	refs int
}

func newLocalDirs(root *os.Root) *localDirs {
	return &localDirs{root: root, open: map[string]*localDir{}}
}

// acquire returns the folder dir ("" or "." for the top), made if missing,
// and a release function to call when done with it.
func (d *localDirs) acquire(dir string) (*localDir, func(), error) {
	if dir == "" {
		dir = "."
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	ld, ok := d.open[dir]
	if !ok {
		r := d.root
		if dir != "." {
			if err := d.root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
				return nil, nil, err
			}
			var err error
			if r, err = d.root.OpenRoot(filepath.FromSlash(dir)); err != nil {
				return nil, nil, err
			}
		}
		ld = &localDir{r: r}
		if f, err := r.Open("."); err == nil {
			ld.f = f
		}
		d.open[dir] = ld
	}
	ld.refs++
	return ld, func() { d.release(dir, ld) }, nil
}

func (d *localDirs) release(dir string, ld *localDir) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ld.refs--
	if ld.refs == 0 && len(d.open) > maxOpenFolders {
		d.closeDir(dir, ld)
	}
}

func (d *localDirs) closeDir(dir string, ld *localDir) {
	if ld.f != nil {
		ld.f.Close()
	}
	if ld.r != d.root {
		ld.r.Close()
	}
	delete(d.open, dir)
}

// Close closes every folder handle (not the top root).
func (d *localDirs) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for dir, ld := range d.open {
		d.closeDir(dir, ld)
	}
}

// create makes the file a download is written to: an unnamed file where the
// system has them, else a temp file beside the target (temp is its name).
func (d *localDirs) create(ld *localDir, name string) (f *os.File, temp string, err error) {
	if ld.f != nil && !d.noUnnamed.Load() {
		f, err := openUnnamed(ld.f)
		if err == nil {
			return f, "", nil
		}
		if !errors.Is(err, errNoUnnamed) {
			return nil, "", err
		}
		d.noUnnamed.Store(true)
	}
	temp = tempNameFor(name)
	f, err = ld.r.OpenFile(temp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	return f, temp, err
}

// placeUnnamed links the finished unnamed file f into ld as *name, following
// the conflict policy like place. Where it cannot be linked (no /proc), its
// bytes are copied to a temp file that is placed instead.
func (d *localDirs) placeUnnamed(e *Engine, ld *localDir, f *os.File, size int64, name *string, policy ConflictPolicy) error {
	for attempt := 0; attempt < 100; attempt++ {
		err := linkUnnamed(f, ld.f, *name)
		if errors.Is(err, errNoUnnamed) {
			d.noUnnamed.Store(true)
			return d.placeCopy(e, ld, f, size, name, policy)
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		switch policy {
		case ConflictKeepBoth:
			*name = localFreeName(ld.r, *name)
		case ConflictOverwrite:
			temp := tempNameFor(*name)
			if err := linkUnnamed(f, ld.f, temp); err != nil {
				return err
			}
			if err := ld.r.Rename(temp, *name); err != nil {
				_ = ld.r.Remove(temp)
				return err
			}
			return nil
		default:
			return fs.ErrExist
		}
	}
	return fs.ErrExist
}

func (d *localDirs) placeCopy(e *Engine, ld *localDir, f *os.File, size int64, name *string, policy ConflictPolicy) error {
	temp := tempNameFor(*name)
	g, err := ld.r.OpenFile(temp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(g, io.NewSectionReader(f, 0, size))
	if cerr := g.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = e.place(ld.r, temp, name, policy)
	}
	if err != nil {
		_ = ld.r.Remove(temp)
	}
	return err
}
