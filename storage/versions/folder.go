package versions

import (
	"context"
	"fmt"
	"strings"

	"s3desk/storage"
)

// UndeleteResult is what UndeleteFolder did.
type UndeleteResult struct {
	Keys   int64 // keys brought back
	Failed []storage.DeleteFailure
}

// folderOf is the prefix of exactly the keys of folder prefix.
func folderOf(op, bucket, prefix string) (string, error) {
	if prefix == "" || prefix == storage.Delimiter {
		return "", &storage.Error{Op: op, Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: op + ": no folder was named; nothing was changed"}
	}
	if !strings.HasSuffix(prefix, storage.Delimiter) {
		prefix += storage.Delimiter
	}
	return prefix, nil
}

// marker is one delete marker to remove; first is set on the newest marker
// of its key (to count keys).
type marker struct {
	ref   storage.ObjectRef
	first bool
}

// deletedScan walks a recursive version listing of prefix and hands, page
// by page, the delete markers that sit above each deleted key's newest
// version (the markers to remove to undelete it). It refuses a listing that
// names a key outside prefix.
func (s *Service) deletedScan(ctx context.Context, op, bucket, prefix string, page func([]marker) error) error {
	cur, leading := "", false
	for vp, err := range s.svc.ListVersions(ctx, bucket, storage.VersionListOptions{Prefix: prefix, Recursive: true, PageSize: s.pageSize}) {
		if err != nil {
			return err
		}
		var ms []marker
		for _, v := range vp.Versions {
			if !strings.HasPrefix(v.Key, prefix) { // never trust the server's filter with a delete
				return &storage.Error{Op: op, Bucket: bucket, Key: v.Key, Kind: storage.ErrProtocol,
					Msg: fmt.Sprintf("%s: the service listed %q under %q; stopped without touching it", op, v.Key, prefix)}
			}
			first := v.Key != cur
			if first {
				cur, leading = v.Key, v.IsLatest && v.IsDeleteMarker
			}
			if !leading || !v.IsDeleteMarker {
				leading = false
				continue
			}
			ms = append(ms, marker{ref: storage.ObjectRef{Bucket: bucket, Key: v.Key, VersionID: v.VersionID}, first: first})
		}
		if err := page(ms); err != nil {
			return err
		}
	}
	return nil
}

// PlanUndeleteFolder counts the keys under folder prefix ("/" added when
// missing) whose latest version is a delete marker: what UndeleteFolder
// would bring back. It streams the listing; progress, if set, gets the
// running count after each page.
func (s *Service) PlanUndeleteFolder(ctx context.Context, bucket, prefix string, progress func(keys int64)) (int64, error) {
	const op = "plan folder undelete"
	p, err := folderOf(op, bucket, prefix)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.deletedScan(ctx, op, bucket, p, func(ms []marker) error {
		for _, m := range ms {
			if m.first {
				n++
			}
		}
		if progress != nil {
			progress(n)
		}
		return nil
	})
	return n, storage.IncompleteListing(err, op, bucket, p, fmt.Sprintf("%d deleted keys were counted so far", n))
}

// UndeleteFolder brings back every deleted key under folder prefix ("/"
// added when missing; "a/" never touches "ab/..."): the delete markers above
// each one's newest version are removed. It streams the listing and removes
// a page's markers once the next page has arrived (the listing goes on from
// the previous page's last entry, which so still exists). progress, if set,
// gets the running count of keys brought back.
func (s *Service) UndeleteFolder(ctx context.Context, bucket, prefix string, progress func(keys int64)) (UndeleteResult, error) {
	const op = "undelete folder"
	var res UndeleteResult
	p, err := folderOf(op, bucket, prefix)
	if err != nil {
		return res, err
	}
	var pending []marker
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		refs := make([]storage.ObjectRef, len(pending))
		for i, m := range pending {
			refs[i] = m.ref
		}
		r, err := s.svc.DeleteVersions(ctx, bucket, refs, nil)
		failed := map[string]bool{}
		for _, f := range r.Failed {
			failed[f.Key] = true
		}
		res.Failed = append(res.Failed, r.Failed...)
		if err == nil {
			for _, m := range pending {
				if m.first && !failed[m.ref.Key] {
					res.Keys++
				}
			}
			if progress != nil {
				progress(res.Keys)
			}
		}
		pending = nil
		return renameOp(err, op)
	}
	err = s.deletedScan(ctx, op, bucket, p, func(ms []marker) error {
		if err := flush(); err != nil {
			return err
		}
		pending = ms
		return nil
	})
	if err != nil {
		return res, storage.IncompleteListing(err, op, bucket, p, fmt.Sprintf("%d keys were brought back; run it again for the rest", res.Keys))
	}
	return res, flush()
}
