package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"s3desk/storage"
	"s3desk/storage/share"
)

// MaxIndexItems bounds the objects one index page lists.
const MaxIndexItems = 20000

// IndexLinks says what kind of link an index page holds.
type IndexLinks string

// Kinds of index link.
const (
	// IndexPublicLinks: plain public URLs; the files must be public (Make
	// public on the folder) for them to open.
	IndexPublicLinks IndexLinks = "public"
	// IndexPresignedLinks: presigned URLs that stop working at a stated time.
	IndexPresignedLinks IndexLinks = "presigned"
)

// IndexOptions shape an index page.
type IndexOptions struct {
	// Prefix is the folder to list ("" for the whole bucket); a missing
	// trailing "/" is added.
	Prefix string
	Links  IndexLinks
	// Expiry of presigned links (IndexPresignedLinks); at most 7 days.
	Expiry time.Duration
	// Title of the page; empty means "Files in bucket/prefix".
	Title string
}

// IndexItem is one listed object.
type IndexItem struct {
	Name         string // key relative to the prefix
	Key          string
	Size         int64
	LastModified time.Time
	URL          string
}

// IndexPage is a generated page, ready to preview and publish.
type IndexPage struct {
	Bucket    string
	Prefix    string
	Key       string // where it is published: <prefix>index.html
	Title     string
	Links     IndexLinks
	Items     []IndexItem
	Generated time.Time
	// LinksExpire is when the presigned links stop working (zero for public
	// links); LinksWhy says why it is earlier than asked, if it is.
	LinksExpire time.Time
	LinksWhy    string
	HTML        []byte
}

// IndexKey is the key an index page of prefix is published under.
func IndexKey(prefix string) string {
	if prefix == "" {
		return "index.html"
	}
	return strings.TrimSuffix(prefix, "/") + "/index.html"
}

// BuildIndex lists every object under the prefix (all depths, without
// folder markers and without the index page itself) and renders the page. It
// uploads nothing: show page.HTML as a preview, then PublishIndex.
func (s *Service) BuildIndex(ctx context.Context, bucket string, opts IndexOptions) (IndexPage, error) {
	prefix := opts.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	switch opts.Links {
	case IndexPublicLinks:
	case IndexPresignedLinks:
		if err := share.ValidateExpiry(opts.Expiry); err != nil {
			return IndexPage{}, err
		}
	default:
		return IndexPage{}, &storage.Error{Op: "build index page", Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: "build index page: choose public or presigned links"}
	}
	page := IndexPage{Bucket: bucket, Prefix: prefix, Key: IndexKey(prefix), Title: opts.Title, Links: opts.Links, Generated: time.Now().UTC()}
	if page.Title == "" {
		page.Title = "Files in " + bucket + "/" + prefix
	}
	for lp, err := range s.Storage().List(ctx, bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			var le *storage.Error
			if errors.As(err, &le) && le.Op == "list" {
				le.Op = "list for the index page"
			}
			return IndexPage{}, storage.IncompleteListing(err, "build index page", bucket, prefix,
				"no index page was built or published: try again later")
		}
		for _, o := range lp.Objects {
			k := o.Key
			if k == page.Key || strings.HasSuffix(k, "/") {
				continue
			}
			if len(page.Items) >= MaxIndexItems {
				return IndexPage{}, &storage.Error{Op: "build index page", Bucket: bucket, Key: prefix, Kind: storage.ErrTooLarge,
					Msg: fmt.Sprintf("the folder holds more than %d files; publish index pages for its sub-folders instead", MaxIndexItems)}
			}
			page.Items = append(page.Items, IndexItem{Name: strings.TrimPrefix(k, prefix), Key: k,
				Size: o.Size, LastModified: o.LastModified.UTC()})
		}
	}
	slices.SortFunc(page.Items, func(a, b IndexItem) int { return strings.Compare(a.Key, b.Key) })
	for i := range page.Items {
		it := &page.Items[i]
		if opts.Links == IndexPublicLinks {
			u, err := s.PublicURL(bucket, it.Key)
			if err != nil {
				return IndexPage{}, err
			}
			it.URL = u
			continue
		}
		l, err := s.PresignGet(ctx, bucket, it.Key, share.ShareOptions{Expiry: opts.Expiry})
		if err != nil {
			return IndexPage{}, err
		}
		it.URL = l.URL
		if page.LinksExpire.IsZero() || l.Expires.Before(page.LinksExpire) {
			page.LinksExpire, page.LinksWhy = l.Expires.UTC(), l.Why
		}
	}
	if opts.Links == IndexPresignedLinks && page.LinksExpire.IsZero() {
		page.LinksExpire = page.Generated.Add(opts.Expiry.Truncate(time.Second))
	}
	html, err := RenderIndex(page)
	if err != nil {
		return IndexPage{}, err
	}
	page.HTML = html
	return page, nil
}

// RenderIndex writes page as HTML with html/template, so that key names are
// text: a key called <script> shows as that text, never as markup.
func RenderIndex(page IndexPage) ([]byte, error) {
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, page); err != nil {
		return nil, &storage.Error{Op: "build index page", Bucket: page.Bucket, Kind: storage.ErrInvalidArgument, Msg: "could not render the index page: " + err.Error(), Err: err}
	}
	return b.Bytes(), nil
}

// PublishOptions control PublishIndex.
type PublishOptions struct {
	// ACL is the canned ACL sent with the upload: "" (the bucket's default)
	// or "public-read". Some services ignore it; see PublishedIndex.Verified.
	ACL string
}

// PublishedIndex says where the page went.
type PublishedIndex struct {
	Key string
	// URL is the page's public URL; it opens for strangers only when
	// Verified (or after MakePublic on the page).
	URL      string
	Verified bool
	// WebsiteURL is the page's static-website address, when the bucket has
	// one.
	WebsiteURL string
}

// PublishIndex uploads page.HTML as page.Key with Content-Type text/html,
// replacing an earlier version. With ACL "public-read" it checks the page
// opens without credentials and reports it in Verified.
func (s *Service) PublishIndex(ctx context.Context, page IndexPage, opts PublishOptions) (PublishedIndex, error) {
	if len(page.HTML) == 0 || page.Bucket == "" || page.Key == "" {
		return PublishedIndex{}, &storage.Error{Op: "publish index page", Kind: storage.ErrInvalidArgument, Msg: "publish index page: build the page first"}
	}
	put := storage.PutOptions{ContentType: "text/html; charset=utf-8", CacheControl: "no-cache", Op: "publish index page"}
	switch opts.ACL {
	case "", "private", "public-read":
		put.ACL = opts.ACL
	default:
		return PublishedIndex{}, &storage.Error{Op: "publish index page", Kind: storage.ErrInvalidArgument, Msg: "publish index page: the ACL must be private or public-read"}
	}
	if err := s.Storage().Put(ctx, page.Bucket, page.Key, bytes.NewReader(page.HTML), int64(len(page.HTML)), put); err != nil {
		return PublishedIndex{}, err
	}
	res := PublishedIndex{Key: page.Key}
	var err error
	if res.URL, err = s.PublicURL(page.Bucket, page.Key); err != nil {
		return res, err
	}
	if opts.ACL == "public-read" {
		if _, verr := s.VerifyPublic(ctx, res.URL); verr == nil {
			res.Verified = true
		} else if !errors.Is(verr, share.ErrNotPublic) {
			return res, verr
		}
	}
	if w, werr := s.WebsiteURL(ctx, page.Bucket, page.Prefix); werr == nil {
		res.WebsiteURL = w
	}
	return res, nil
}

func indexSize(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, i := float64(n), 0
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}[i]
}

var indexTemplate = template.Must(template.New("index").Funcs(template.FuncMap{
	"size": indexSize,
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="S3 Desk">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #ddd}
td.n{text-align:right;white-space:nowrap}th{background:#f4f4f4}.note{color:#555}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if eq .Links "presigned"}}<p class="note">These links stop working on <time datetime="{{iso .LinksExpire}}">{{when .LinksExpire}}</time>.{{if .LinksWhy}} ({{.LinksWhy}}){{end}}</p>
{{end}}<table>
<thead><tr><th>Name</th><th>Size</th><th>Last modified</th></tr></thead>
<tbody>
{{range .Items}}<tr><td><a href="{{.URL}}">{{.Name}}</a></td><td class="n" data-bytes="{{.Size}}">{{size .Size}}</td><td><time datetime="{{iso .LastModified}}">{{when .LastModified}}</time></td></tr>
{{else}}<tr><td colspan="3">This folder is empty.</td></tr>
{{end}}</tbody>
</table>
<p class="note">{{len .Items}} files. Generated <time datetime="{{iso .Generated}}">{{when .Generated}}</time>.</p>
</body>
</html>
`))
