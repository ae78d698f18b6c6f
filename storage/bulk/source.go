package bulk

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"s3desk/storage"
)

// listed is one page of a source: its items and the last key listed.
type listed struct {
	items []Item
	last  string
}

// keysPage is how many explicit keys make one page.
const keysPage = 1000

// numSources is how many sources the spec has: its explicit keys (source
// 0, possibly empty), then each prefix (1, 2, ...).
func (s Spec) numSources() int { return 1 + len(s.Source.Prefixes) }

// pages yields the pages of source src after key after ("" from the
// start). Prefixes are listed recursively through the service's guarded
// paginator; a key listed outside its prefix stops the listing (a server's
// filter is never trusted with a write).
func (s Spec) pages(ctx context.Context, store Store, src int, after string) iter.Seq2[listed, error] {
	return func(yield func(listed, error) bool) {
		if src == 0 {
			keys := s.Source.Keys
			start := 0
			if after != "" {
				for i, it := range keys {
					if it.Key == after {
						start = i + 1
						break
					}
				}
			}
			for i := start; i < len(keys); i += keysPage {
				chunk := keys[i:min(i+keysPage, len(keys))]
				if !yield(listed{items: chunk, last: chunk[len(chunk)-1].Key}, nil) {
					return
				}
			}
			return
		}
		prefix := s.Source.Prefixes[src-1]
		for page, err := range store.List(ctx, s.Source.Bucket, storage.ListOptions{Prefix: prefix, Recursive: true, StartAfter: after}) {
			if err != nil {
				yield(listed{}, err)
				return
			}
			l := listed{items: make([]Item, 0, len(page.Objects))}
			for _, o := range page.Objects {
				if !strings.HasPrefix(o.Key, prefix) {
					yield(listed{}, &storage.Error{Op: "bulk " + string(s.Op), Bucket: s.Source.Bucket, Key: o.Key, Kind: storage.ErrProtocol,
						Msg: fmt.Sprintf("bulk %s: the service listed %q under %q; stopped before touching it", s.Op, o.Key, prefix)})
					return
				}
				l.items = append(l.items, Item{Key: o.Key, Size: o.Size, ETag: o.ETag})
				l.last = o.Key
			}
			if len(l.items) == 0 {
				continue
			}
			if !yield(l, nil) {
				return
			}
		}
	}
}

// normalize drops sources that another source covers: explicit keys and
// prefixes under a selected prefix, so that no key is listed twice.
func (src Source) normalize() Source {
	var prefixes []string
	for _, p := range src.Prefixes {
		covered := false
		for _, q := range src.Prefixes {
			if q != p && strings.HasPrefix(p, q) {
				covered = true
			}
		}
		dup := false
		for _, q := range prefixes {
			dup = dup || q == p
		}
		if !covered && !dup {
			prefixes = append(prefixes, p)
		}
	}
	keys := src.Keys[:0:0]
	for _, it := range dedupe(src.Keys) {
		covered := false
		for _, p := range prefixes {
			covered = covered || strings.HasPrefix(it.Key, p)
		}
		if !covered {
			keys = append(keys, it)
		}
	}
	return Source{Bucket: src.Bucket, Keys: keys, Prefixes: prefixes}
}

// Plan is the dry run's answer.
type Plan struct {
	Objects int64
	Bytes   int64
}

// DryRun lists what a job over spec would touch, without changing
// anything: each item goes to each (when set) as it is listed, and the
// count and bytes are returned. It lists exactly as the job will.
func DryRun(ctx context.Context, store Store, spec Spec, each func(Item)) (Plan, error) {
	spec.Source = spec.Source.normalize()
	if err := spec.validate(); err != nil {
		return Plan{}, err
	}
	var p Plan
	for src := range spec.numSources() {
		for l, err := range spec.pages(ctx, store, src, "") {
			if err != nil {
				return p, err
			}
			for _, it := range l.items {
				p.Objects++
				p.Bytes += it.Size
				if each != nil {
					each(it)
				}
			}
		}
	}
	return p, nil
}
