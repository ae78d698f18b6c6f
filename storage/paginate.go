package storage

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Every paged listing of the project goes through pages: one SDK paginator
// per operation, each used here only, behind one guard. A service that
// repeats its continuation token or markers (or cycles through a few), says
// it has more but gives no token, or hands back the page it just sent ends
// the listing with ErrProtocol after the page that shows it, so a listing
// never loops and never stops early without saying so.

// sdkPager is what the SDK's paginators have in common.
type sdkPager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*s3.Options)) (O, error)
}

// pageState is what a page says about the pages after it: whether more
// follow, the continuation state for the next request (a token, or markers
// joined), and the last entry it holds ("" when empty), to tell a repeated
// page.
type pageState struct {
	more bool
	next string
	last string
}

// listGuard checks the continuation state of each page of one listing.
type listGuard struct {
	op, bucket, key string
	what            string // "the objects under \"p/\" in bucket \"b\""
	token           string // "continuation token" or "page marker"
	seen            map[string]bool
	last            string
	pages           int
}

func newGuard(op, bucket, key, what, token string) *listGuard {
	return &listGuard{op: op, bucket: bucket, key: key, what: what, token: token, seen: map[string]bool{}}
}

// check is called after each page; it returns ErrProtocol when the listing
// cannot go on safely.
func (g *listGuard) check(st pageState) error {
	g.pages++
	if !st.more {
		return nil
	}
	var why string
	switch {
	case st.next == "":
		why = fmt.Sprintf("the service said %s go on but gave no %s", g.what, g.token)
	case g.seen[st.next]:
		why = fmt.Sprintf("the service repeated a %s while listing %s", g.token, g.what)
	case st.last != "" && st.last == g.last:
		why = fmt.Sprintf("the service sent the same page twice while listing %s", g.what)
	}
	g.seen[st.next] = true
	if st.last != "" {
		g.last = st.last
	}
	if why == "" {
		return nil
	}
	return &Error{Op: g.op, Bucket: g.bucket, Key: g.key, Kind: ErrProtocol,
		Msg: fmt.Sprintf("%s: %s; stopped after %d %s so as not to loop, and the listing is incomplete", g.op, why, g.pages, listPlural(g.pages, "page", "pages"))}
}

func listPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pages ranges over a listing's pages through the guard. A page whose
// continuation state is broken is not yielded: the error is.
func pages[O any](ctx context.Context, p sdkPager[O], g *listGuard, opts []func(*s3.Options), state func(O) pageState) iter.Seq2[O, error] {
	return func(yield func(O, error) bool) {
		var zero O
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, opts...)
			if err != nil {
				yield(zero, mapErr(g.op, g.bucket, g.key, err))
				return
			}
			if err := g.check(state(out)); err != nil {
				yield(zero, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// pageSizeKey carries a smaller page size for the listings that have no
// option for it (tests: few keys, many pages).
type pageSizeKey struct{}

// pageSize is the page size asked for in ctx, else def (0: the service's).
func pageSize(ctx context.Context, def int32) int32 {
	if n, ok := ctx.Value(pageSizeKey{}).(int32); ok && n > 0 {
		return n
	}
	return def
}

func listWhat(what, bucket, prefix string) string {
	if prefix == "" {
		return fmt.Sprintf("%s in bucket %q", what, bucket)
	}
	return fmt.Sprintf("%s under %q in bucket %q", what, prefix, bucket)
}

// objectPages is the guarded ListObjectsV2 listing (List builds on it).
func (s *Service) objectPages(ctx context.Context, op string, in *s3.ListObjectsV2Input, size int32) iter.Seq2[*s3.ListObjectsV2Output, error] {
	bucket, prefix := aws.ToString(in.Bucket), aws.ToString(in.Prefix)
	p := s3.NewListObjectsV2Paginator(s.client, in, func(o *s3.ListObjectsV2PaginatorOptions) {
		o.Limit = pageSize(ctx, size)
		o.StopOnDuplicateToken = false // the guard says so instead of stopping quietly
	})
	g := newGuard(op, bucket, prefix, listWhat("the objects", bucket, prefix), "continuation token")
	return pages(ctx, p, g, s.bucketOpts(bucket), func(out *s3.ListObjectsV2Output) pageState {
		st := pageState{more: aws.ToBool(out.IsTruncated), next: aws.ToString(out.NextContinuationToken)}
		// Only keys: some services hand the same common prefix back on
		// several pages while they skip through the keys under it.
		if n := len(out.Contents); n > 0 {
			st.last = aws.ToString(out.Contents[n-1].Key)
		}
		return st
	})
}

// versionPages is the guarded ListObjectVersions listing.
func (s *Service) versionPages(ctx context.Context, op string, in *s3.ListObjectVersionsInput) iter.Seq2[*s3.ListObjectVersionsOutput, error] {
	bucket, prefix := aws.ToString(in.Bucket), aws.ToString(in.Prefix)
	p := s3.NewListObjectVersionsPaginator(s.client, in, func(o *s3.ListObjectVersionsPaginatorOptions) {
		o.Limit = pageSize(ctx, aws.ToInt32(in.MaxKeys))
	})
	g := newGuard(op, bucket, prefix, listWhat("the object versions", bucket, prefix), "page marker")
	return pages(ctx, p, g, s.bucketOpts(bucket), func(out *s3.ListObjectVersionsOutput) pageState {
		st := pageState{more: aws.ToBool(out.IsTruncated)}
		if k := aws.ToString(out.NextKeyMarker); k != "" {
			st.next = k + "\x00" + aws.ToString(out.NextVersionIdMarker)
		}
		// The whole page tells a repeated one: version IDs have no order
		// to pick a "last" entry by, and some services (versitygw) send the
		// marker's entry again at the top of the next page.
		var b strings.Builder
		for _, v := range out.Versions {
			b.WriteString(aws.ToString(v.Key) + "\x00" + aws.ToString(v.VersionId) + "\x00")
		}
		for _, m := range out.DeleteMarkers {
			b.WriteString(aws.ToString(m.Key) + "\x00" + aws.ToString(m.VersionId) + "\x00")
		}
		st.last = b.String()
		return st
	})
}

// uploadPages is the guarded ListMultipartUploads listing.
func (s *Service) uploadPages(ctx context.Context, op string, in *s3.ListMultipartUploadsInput) iter.Seq2[*s3.ListMultipartUploadsOutput, error] {
	bucket, prefix := aws.ToString(in.Bucket), aws.ToString(in.Prefix)
	p := s3.NewListMultipartUploadsPaginator(s.client, in, func(o *s3.ListMultipartUploadsPaginatorOptions) {
		o.Limit = pageSize(ctx, 0)
	})
	g := newGuard(op, bucket, prefix, listWhat("the incomplete uploads", bucket, prefix), "page marker")
	return pages(ctx, p, g, s.bucketOpts(bucket), func(out *s3.ListMultipartUploadsOutput) pageState {
		st := pageState{more: aws.ToBool(out.IsTruncated)}
		if k := aws.ToString(out.NextKeyMarker); k != "" {
			st.next = k + "\x00" + aws.ToString(out.NextUploadIdMarker)
		}
		if n := len(out.Uploads); n > 0 {
			st.last = aws.ToString(out.Uploads[n-1].Key) + "\x00" + aws.ToString(out.Uploads[n-1].UploadId)
		}
		return st
	})
}

// partPages is the guarded ListParts listing of one upload.
func (s *Service) partPages(ctx context.Context, op string, bucket, key, uploadID string) iter.Seq2[*s3.ListPartsOutput, error] {
	p := s3.NewListPartsPaginator(s.client, &s3.ListPartsInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	}, func(o *s3.ListPartsPaginatorOptions) {
		o.Limit = pageSize(ctx, 0)
		o.StopOnDuplicateToken = false
	})
	g := newGuard(op, bucket, key, fmt.Sprintf("the uploaded parts of %s", what(bucket, key)), "part marker")
	return pages(ctx, p, g, s.bucketOpts(bucket), func(out *s3.ListPartsOutput) pageState {
		st := pageState{more: aws.ToBool(out.IsTruncated), next: aws.ToString(out.NextPartNumberMarker)}
		if n := len(out.Parts); n > 0 {
			st.last = strconv.Itoa(int(aws.ToInt32(out.Parts[n-1].PartNumber)))
		}
		return st
	})
}

// bucketPages is the guarded ListBuckets listing. ListBuckets says nothing
// of truncation: a page with a token has more after it.
func (s *Service) bucketPages(ctx context.Context, op string) iter.Seq2[*s3.ListBucketsOutput, error] {
	p := s3.NewListBucketsPaginator(s.client, &s3.ListBucketsInput{}, func(o *s3.ListBucketsPaginatorOptions) {
		o.Limit = pageSize(ctx, 0)
		o.StopOnDuplicateToken = false
	})
	g := newGuard(op, "", "", "the account's buckets", "continuation token")
	return pages(ctx, p, g, nil, func(out *s3.ListBucketsOutput) pageState {
		tok := aws.ToString(out.ContinuationToken)
		st := pageState{more: tok != "", next: tok}
		if n := len(out.Buckets); n > 0 {
			st.last = aws.ToString(out.Buckets[n-1].Name)
		}
		return st
	})
}

// incomplete rewords a broken listing's error for the feature that needed
// it: what it was doing and what was (not) done. Other errors pass as they
// are.
func incomplete(err error, op, bucket, key, done string) error {
	return IncompleteListing(err, op, bucket, key, done)
}

// IncompleteListing is incomplete for the feature packages: a listing that
// failed partway becomes an error for op saying what was done (done).
func IncompleteListing(err error, op, bucket, key, done string) error {
	var e *Error
	if !errors.Is(err, ErrProtocol) || !errors.As(err, &e) {
		return err
	}
	return &Error{Op: op, Bucket: bucket, Key: key, Kind: ErrProtocol, Code: e.Code,
		Msg: fmt.Sprintf("%s: the listing was incomplete (%s); %s", op, e.Msg, done), Err: err}
}
