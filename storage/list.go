package storage

import (
	"context"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Delimiter separates "folders" in keys.
const Delimiter = "/"

// ListOptions choose what List returns.
type ListOptions struct {
	// Prefix is the folder to list, normally ending in "/" ("" = the bucket's
	// top level). It is used as given: "a" also matches "a.txt" and "ab/".
	Prefix string
	// Recursive lists every key under Prefix instead of one level with
	// folders.
	Recursive bool
	// PageSize is MaxKeys per request; 0 means 1000.
	PageSize int32
	// StartAfter starts the listing after this key.
	StartAfter string
}

// Page is one page of a listing, as it arrived.
type Page struct {
	Folders []Entry // common prefixes (never in a recursive listing)
	Objects []Entry
	Last    bool // no more pages follow
}

// List lists bucket under opts.Prefix page by page with the ListObjectsV2
// listing (objectPages, the guarded paginator). The caller ranges over the
// pages and may break early. Nothing per object is fetched. A service that
// repeats a continuation token, or says it has more but gives no token, ends
// the listing with ErrProtocol.
//
// In a one-level listing the folder's own marker object (key == Prefix,
// ending in "/") is left out; a recursive listing includes it.
func (s *Service) List(ctx context.Context, bucket string, opts ListOptions) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
		if opts.Prefix != "" {
			in.Prefix = aws.String(opts.Prefix)
		}
		if !opts.Recursive {
			in.Delimiter = aws.String(Delimiter)
		}
		if opts.StartAfter != "" {
			in.StartAfter = aws.String(opts.StartAfter)
		}
		if s.onAWS() {
			// AWS reports archived objects' restore status only when asked.
			in.OptionalObjectAttributes = []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}
		}
		size := opts.PageSize
		if size <= 0 {
			size = 1000
		}
		folders := map[string]bool{} // folders already yielded
		for out, err := range s.objectPages(ctx, "list", in, size) {
			if err != nil {
				yield(Page{Last: true}, err)
				return
			}
			page := Page{Last: !aws.ToBool(out.IsTruncated)}
			addFolder := func(k string) {
				if !folders[k] {
					folders[k] = true
					page.Folders = append(page.Folders, Entry{Key: k, Name: strings.TrimPrefix(k, opts.Prefix), IsFolder: true})
				}
			}
			for _, cp := range out.CommonPrefixes {
				addFolder(aws.ToString(cp.Prefix))
			}
			for _, o := range out.Contents {
				k := aws.ToString(o.Key)
				if !opts.Recursive {
					if k == opts.Prefix && strings.HasSuffix(k, Delimiter) {
						continue
					}
					// Some services return a marker "dir/" as an object
					// of a delimited listing; it is a folder.
					if rest, ok := strings.CutPrefix(k, opts.Prefix); ok {
						if i := strings.Index(rest, Delimiter); i >= 0 {
							addFolder(opts.Prefix + rest[:i+len(Delimiter)])
							continue
						}
					}
				}
				page.Objects = append(page.Objects, Entry{
					Key:          k,
					Name:         strings.TrimPrefix(k, opts.Prefix),
					Size:         aws.ToInt64(o.Size),
					LastModified: aws.ToTime(o.LastModified),
					ETag:         aws.ToString(o.ETag),
					StorageClass: string(o.StorageClass),
					Restore:      listRestore(o.RestoreStatus),
				})
			}
			if !yield(page, nil) {
				return
			}
		}
	}
}
