package sync

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// normPrefix makes a prefix end in "/" ("" stays "").
func normPrefix(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// listRemote lists the objects under r.Prefix, page by page through the
// guarded paginator, in the order the server lists them, which must be
// ascending (UTF-8 binary): a listing out of order would make the merge
// wrong, so it ends the plan instead. Folder markers are left out. When
// toLocal, keys that cannot be a local file name as they are ("a//b",
// "../x") are skipped with the reason.
func listRemote(ctx context.Context, r Remote, f *filter, toLocal bool) iter.Seq2[entry, error] {
	return func(yield func(entry, error) bool) {
		prefix := normPrefix(r.Prefix)
		prev := ""
		for page, err := range r.Service.List(ctx, r.Bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
			if err != nil {
				yield(entry{}, storage.IncompleteListing(err, "sync", r.Bucket, prefix,
					"nothing was changed: try the preview again"))
				return
			}
			for _, o := range page.Objects {
				if prev != "" && o.Key <= prev {
					yield(entry{}, &storage.Error{Op: "sync", Bucket: r.Bucket, Key: o.Key, Kind: storage.ErrProtocol,
						Msg: fmt.Sprintf("sync: the server listed %q after %q, out of order; S3 Desk cannot compare such a listing, nothing was changed", o.Key, prev)})
					return
				}
				prev = o.Key
				rel, ok := strings.CutPrefix(o.Key, prefix)
				if !ok || rel == "" || (strings.HasSuffix(rel, "/") && o.Size == 0) {
					continue // the folder's own marker, or a sub-folder's
				}
				if f.excluded(rel) {
					continue
				}
				e := entry{rel: rel, key: o.Key, size: o.Size, mod: o.LastModified, etag: o.ETag}
				if toLocal {
					if safe, err := transfer.SafeLocalPath(rel); err != nil {
						e.skip = "cannot be a file name on this computer: " + err.Error()
					} else if safe != rel || strings.HasSuffix(rel, "/") {
						e.skip = fmt.Sprintf("the key would be saved as %q, which would not sync back to the same key; not synced", safe)
					}
				}
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}
