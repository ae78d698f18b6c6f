package storage

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
// paginator. The caller ranges over the pages and may break early. Nothing
// per object is fetched. A service that repeats a continuation token, or
// says it has more but gives no token, ends the listing with ErrProtocol.
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
		size := opts.PageSize
		if size <= 0 {
			size = 1000
		}
		p := s3.NewListObjectsV2Paginator(s.client, in, func(o *s3.ListObjectsV2PaginatorOptions) {
			o.Limit = size
			o.StopOnDuplicateToken = false // we detect it ourselves and say so
		})
		seen := map[string]bool{}    // continuation tokens
		folders := map[string]bool{} // folders already yielded
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, s.bucketOpts(bucket)...)
			if err != nil {
				yield(Page{Last: true}, mapErr("list", bucket, opts.Prefix, err))
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
				})
			}
			var perr error
			if !page.Last {
				tok := aws.ToString(out.NextContinuationToken)
				switch {
				case tok == "":
					perr = &Error{Op: "list", Bucket: bucket, Key: opts.Prefix, Kind: ErrProtocol,
						Msg: fmt.Sprintf("list: the service said bucket %q has more entries but gave no continuation token; the listing is incomplete", bucket)}
				case seen[tok]:
					perr = &Error{Op: "list", Bucket: bucket, Key: opts.Prefix, Kind: ErrProtocol,
						Msg: fmt.Sprintf("list: the service repeated a continuation token while listing bucket %q; stopped to avoid an endless loop (the listing is incomplete)", bucket)}
				}
				seen[tok] = true
			}
			if perr != nil {
				page.Last = true
				if (len(page.Folders) > 0 || len(page.Objects) > 0) && !yield(Page{Folders: page.Folders, Objects: page.Objects}, nil) {
					return
				}
				yield(Page{Last: true}, perr)
				return
			}
			if !yield(page, nil) {
				return
			}
		}
	}
}
