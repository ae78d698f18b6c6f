package storage

import (
	"context"
	"strings"
)

// FindOptions choose what Find looks for.
type FindOptions struct {
	// Prefix is the folder to search in ("" = the whole bucket).
	Prefix string
	// Query is matched, case-insensitively, anywhere in the part of the key
	// below Prefix.
	Query string
	// OnMatch receives each matching object as it is found.
	OnMatch func(Entry)
	// OnProgress receives the running count of keys scanned, after each page.
	OnProgress func(scanned int64)
}

// Find scans a recursive listing under opts.Prefix and reports every key
// whose name contains opts.Query (case-insensitive). It returns how many
// keys it scanned; cancel ctx to stop it.
func (s *Service) Find(ctx context.Context, bucket string, opts FindOptions) (scanned int64, err error) {
	if opts.Query == "" {
		return 0, &Error{Op: "find", Bucket: bucket, Kind: ErrInvalidArgument, Msg: "find: type something to search for"}
	}
	q := strings.ToLower(opts.Query)
	for page, err := range s.List(ctx, bucket, ListOptions{Prefix: opts.Prefix, Recursive: true}) {
		if err != nil {
			return scanned, err
		}
		for _, o := range page.Objects {
			scanned++
			if strings.Contains(strings.ToLower(o.Name), q) && opts.OnMatch != nil {
				if strings.HasSuffix(o.Key, Delimiter) {
					o.IsFolder = true
				}
				opts.OnMatch(o)
			}
		}
		if opts.OnProgress != nil {
			opts.OnProgress(scanned)
		}
	}
	return scanned, nil
}
