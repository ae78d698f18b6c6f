package sync

import (
	"fmt"
	"path"
	"strings"

	"s3desk/storage"
)

// filter excludes paths by glob patterns (path.Match syntax):
//   - a pattern without "/" matches a file's name at any depth: "*.tmp",
//     "Thumbs.db";
//   - a pattern ending in "/" matches a folder at any depth and everything in
//     it: ".git/", "node_modules/";
//   - a pattern with "/" inside matches the whole relative path from the
//     top: "build/*.o" (a leading "/" is allowed and ignored).
type filter struct {
	names, dirs, paths []string
}

func newFilter(patterns []string) (*filter, error) {
	f := &filter{}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		dir := strings.HasSuffix(p, "/")
		q := strings.Trim(p, "/")
		if q == "" {
			return nil, badFilter(p, "matches everything")
		}
		if _, err := path.Match(q, ""); err != nil {
			return nil, badFilter(p, "is not a valid pattern")
		}
		switch {
		case dir && !strings.Contains(q, "/"):
			f.dirs = append(f.dirs, q)
		case dir:
			f.paths = append(f.paths, q, q+"/*") // the folder and, below, excludedDir
		case strings.Contains(q, "/"):
			f.paths = append(f.paths, q)
		default:
			f.names = append(f.names, q)
		}
	}
	return f, nil
}

func badFilter(p, why string) error {
	return &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument,
		Msg: fmt.Sprintf("sync: the filter %q %s; write patterns such as *.tmp or .git/", p, why)}
}

// excluded tells whether the file rel ("/"-separated) is left out.
func (f *filter) excluded(rel string) bool {
	if f == nil {
		return false
	}
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		if i == len(segs)-1 {
			for _, n := range f.names {
				if ok, _ := path.Match(n, s); ok {
					return true
				}
			}
		} else {
			for _, d := range f.dirs {
				if ok, _ := path.Match(d, s); ok {
					return true
				}
			}
		}
	}
	for _, p := range f.paths {
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
		// A folder pattern also covers the folder's deeper files.
		for i := strings.IndexByte(rel, '/'); i >= 0; {
			if ok, _ := path.Match(p, rel[:i]); ok {
				return true
			}
			j := strings.IndexByte(rel[i+1:], '/')
			if j < 0 {
				break
			}
			i += j + 1
		}
	}
	return false
}

// excludedDir tells whether the whole folder rel is left out (the walk
// does not enter it).
func (f *filter) excludedDir(rel string) bool {
	if f == nil {
		return false
	}
	base := path.Base(rel)
	for _, d := range f.dirs {
		if ok, _ := path.Match(d, base); ok {
			return true
		}
	}
	for _, p := range f.paths {
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
	}
	// A deeper folder pattern ("a/b/") under a folder pattern's parent.
	for i := strings.IndexByte(rel, '/'); i >= 0; {
		for _, p := range f.paths {
			if ok, _ := path.Match(p, rel[:i]); ok {
				return true
			}
		}
		j := strings.IndexByte(rel[i+1:], '/')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}
