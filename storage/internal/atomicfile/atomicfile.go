// Package atomicfile is the one durable way storage's packages replace a
// small file (profiles, the link ledger, the resume journal, the sandbox's
// state) and the one cross-process lock they take around a
// read-modify-write.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Options tune Write. The zero value is mode 0600, a temp name of
// ".<base>-*.tmp" and os.Rename.
type Options struct {
	Perm        fs.FileMode                         // the file's mode (0: 0600)
	TempPattern string                              // os.CreateTemp pattern in the file's folder
	Rename      func(oldpath, newpath string) error // os.Rename; tests swap it to simulate a crash
}

// Write replaces path with data so that a crash at any point leaves either
// the old file or the new one, never a mix, and a finished Write survives
// a power cut: a temp file in the same folder (with its mode from the
// start), written, fsynced and closed, renamed over path, then the folder
// fsynced so the rename itself is durable. On an error the temp file is
// removed and path is untouched. A failure to create the temp file is an
// *fs.PathError with Op "createtemp".
func Write(path string, data []byte, o Options) error {
	if o.Perm == 0 {
		o.Perm = 0o600
	}
	if o.TempPattern == "" {
		o.TempPattern = "." + filepath.Base(path) + "-*.tmp"
	}
	if o.Rename == nil {
		o.Rename = os.Rename
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, o.TempPattern) // 0600 from the start
	if err != nil {
		return err
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Chmod(o.Perm); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := o.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename itself durable (not possible on every system)
		d.Close()
	}
	return nil
}
