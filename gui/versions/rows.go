package versions

import (
	"strings"

	sv "s3desk/storage/versions"
)

// This file is the pane's model, without Fyne: the rows the listed pages
// make (folders, then each key followed by its versions), merged page by
// page.

// rowKind is what a row shows.
type rowKind int

const (
	rowFolder  rowKind = iota // a sub-folder: open it, undelete it
	rowKey                    // a key, heading its versions
	rowVersion                // one version or delete marker of the key above
)

// row is one line of the pane.
type row struct {
	kind rowKind
	key  string     // the folder's prefix or the key
	name string     // key or folder name below the listed prefix
	v    sv.Version // rowVersion: the version
	// deleted is set on a key whose latest version (on the pages so far)
	// is a delete marker.
	deleted bool
}

// rowList is the pane's rows. Folders come first (as the objects view shows
// them), then the keys in listing order.
type rowList struct {
	folders []row
	keys    []row // key rows and their version rows
}

// add merges one page: a key that goes on from the previous page keeps its
// heading.
func (l *rowList) add(p sv.Page) {
	for _, f := range p.Folders {
		l.folders = append(l.folders, row{kind: rowFolder, key: f.Key, name: strings.TrimSuffix(f.Name, "/")})
	}
	for _, k := range p.Keys {
		head := -1
		for i := len(l.keys) - 1; i >= 0; i-- {
			if l.keys[i].kind == rowKey {
				if l.keys[i].key == k.Key {
					head = i
				}
				break
			}
		}
		if head < 0 {
			l.keys = append(l.keys, row{kind: rowKey, key: k.Key, name: k.Name})
			head = len(l.keys) - 1
		}
		for _, v := range k.Versions {
			if v.IsLatest {
				l.keys[head].deleted = v.IsDeleteMarker
			}
			l.keys = append(l.keys, row{kind: rowVersion, key: k.Key, name: k.Name, v: v})
		}
	}
}

func (l *rowList) len() int { return len(l.folders) + len(l.keys) }

func (l *rowList) at(i int) *row {
	if i < len(l.folders) {
		return &l.folders[i]
	}
	return &l.keys[i-len(l.folders)]
}

// versions counts the version rows.
func (l *rowList) versions() int {
	n := 0
	for _, r := range l.keys {
		if r.kind == rowVersion {
			n++
		}
	}
	return n
}
