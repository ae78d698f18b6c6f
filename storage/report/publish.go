package report

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"s3desk/storage"
	"s3desk/storage/share"
)

// This file renders a combined report as an HTML table and publishes it.

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{"isLink": isLink}).Parse(`
{{- define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#222}
table.dataframe{border-collapse:collapse;border:0}
table.dataframe th,table.dataframe td{border:0;padding:.3em .8em;text-align:left;vertical-align:top;white-space:pre-wrap}
table.dataframe tbody tr:nth-child(even){background:#f3f3f3}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Summary}}</p>
<table border="0" class="dataframe">
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{end}}
{{- define "row"}}<tr>{{$links := .Links}}{{range .Cells}}<td>{{if and $links (isLink .)}}<a href="{{.}}">{{.}}</a>{{else}}{{.}}{{end}}</td>{{end}}</tr>
{{end}}
{{- define "foot"}}</tbody>
</table>
</body>
</html>
{{end}}`))

// isLink tells whether a cell is an http(s) URL, to be rendered as a link.
func isLink(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"'<>`") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// WriteHTML streams the combined table to w as an HTML page: cell text is
// escaped, the table is borderless, and http(s) URL cells are links (pandas'
// to_html(render_links=True, border=0)). It re-reads the combined CSV, so
// the rows are never all in memory.
func (r *CSVReport) WriteHTML(w io.Writer, title string) error {
	return r.WriteHTMLWith(w, HTMLOptions{Title: title, RenderLinks: true})
}

// ReportPublishOptions says where to upload a report.
type ReportPublishOptions struct {
	Bucket  string // "" means the report's bucket
	CSVKey  string // "" skips the CSV
	HTMLKey string // "" skips the HTML
	Title   string // the HTML page's title
	// Public makes the uploaded objects readable by anyone the way
	// MakePublic does: a public-read ACL where the bucket honours ACLs,
	// otherwise (only with AllowPolicy) a bucket-policy statement for each
	// key, and each checked with an anonymous request. The upload itself
	// never carries an ACL, so buckets that refuse ACLs still get the
	// report. When the objects cannot be made public they stay uploaded and
	// private, and the error wraps MakePublic's *PublicError
	// (share.ErrConsentRequired: ask the user, then call MakePublic with
	// AllowPolicy for the keys in the result). Without Public the objects
	// get the bucket's default access; a statement this app added earlier
	// for exactly that key is removed, and whatever an anonymous request
	// can still read is listed in PublishedReport.StillPublic.
	Public      bool
	AllowPolicy bool
	// Overwrite replaces existing objects. Without it an existing key gives
	// storage.ErrPreconditionFailed and nothing is written (ask the user, then retry).
	Overwrite bool
}

// PublishedReport names what was uploaded.
type PublishedReport struct {
	CSV, HTML         storage.ObjectRef
	CSVSize, HTMLSize int64
	// CSVPublic and HTMLPublic say how each object was made public (with
	// Public; zero otherwise): method, URL and the anonymous check.
	CSVPublic, HTMLPublic share.PublicResult
	// StillPublic lists the public URLs of objects published as private
	// that anyone can read all the same (a bucket policy or a public
	// bucket grants it); the caller should say so.
	StillPublic []string
}

// PublishReport uploads the combined CSV (text/csv) and its HTML table
// (text/html), streamed from temporary files.
func (s *Service) PublishReport(ctx context.Context, r *CSVReport, opts ReportPublishOptions) (PublishedReport, error) {
	var res PublishedReport
	bucket := opts.Bucket
	if bucket == "" {
		bucket = r.Bucket
	}
	if opts.CSVKey == "" && opts.HTMLKey == "" {
		return res, &storage.Error{Op: "publish report", Bucket: bucket, Kind: storage.ErrInvalidArgument, Msg: "choose a key for the CSV, the HTML page, or both"}
	}
	if opts.CSVKey != "" && opts.CSVKey == opts.HTMLKey {
		return res, &storage.Error{Op: "publish report", Bucket: bucket, Key: opts.CSVKey, Kind: storage.ErrInvalidArgument, Msg: "the CSV and the HTML page need different keys"}
	}
	if !opts.Overwrite {
		for _, k := range []string{opts.CSVKey, opts.HTMLKey} {
			if k == "" {
				continue
			}
			if _, err := s.Storage().Stat(ctx, bucket, k); err == nil {
				return res, &storage.Error{Op: "publish report", Bucket: bucket, Key: k, Kind: storage.ErrPreconditionFailed,
					Msg: fmt.Sprintf("%q already exists in bucket %q; choose another key or allow replacing it", k, bucket)}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return res, err
			}
		}
	}
	if opts.CSVKey != "" {
		n, err := s.putFile(ctx, bucket, opts.CSVKey, r.csvPath, "text/csv; charset=utf-8", opts)
		if err != nil {
			return res, err
		}
		res.CSV, res.CSVSize = storage.ObjectRef{Bucket: bucket, Key: opts.CSVKey}, n
	}
	if opts.HTMLKey != "" {
		hp := filepath.Join(r.dir, "report.html")
		f, err := os.Create(hp)
		if err != nil {
			return res, &storage.Error{Op: "publish report", Err: err, Msg: "could not create the HTML file: " + err.Error()}
		}
		err = r.WriteHTML(f, opts.Title)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return res, &storage.Error{Op: "publish report", Err: err, Msg: err.Error()}
		}
		defer os.Remove(hp)
		n, err := s.putFile(ctx, bucket, opts.HTMLKey, hp, "text/html; charset=utf-8", opts)
		if err != nil {
			return res, err
		}
		res.HTML, res.HTMLSize = storage.ObjectRef{Bucket: bucket, Key: opts.HTMLKey}, n
	}
	if !opts.Public {
		return s.reportCheckPrivate(ctx, bucket, res)
	}
	for _, p := range []struct {
		key string
		out *share.PublicResult
	}{{res.CSV.Key, &res.CSVPublic}, {res.HTML.Key, &res.HTMLPublic}} {
		if p.key == "" {
			continue
		}
		pr, err := s.MakePublic(ctx, bucket, p.key, share.PublicOptions{AllowPolicy: opts.AllowPolicy})
		if err != nil {
			return res, fmt.Errorf("the report was uploaded, but %q is not public yet: %w", p.key, err)
		}
		*p.out = pr
	}
	return res, nil
}

// putFile uploads a local file in one PutObject (reports are far below the
// 5 GB single-request limit; larger ones get storage.ErrTooLarge).
func (s *Service) putFile(ctx context.Context, bucket, key, name, contentType string, opts ReportPublishOptions) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, &storage.Error{Op: "publish report", Err: err, Msg: "could not read the report file: " + err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, &storage.Error{Op: "publish report", Err: err, Msg: "could not read the report file: " + err.Error()}
	}
	if st.Size() > 5<<30 {
		return 0, &storage.Error{Op: "publish report", Bucket: bucket, Key: key, Kind: storage.ErrTooLarge,
			Msg: "the report is larger than 5 GB; save it locally and upload it as a file instead"}
	}
	if err := s.Storage().Put(ctx, bucket, key, f, st.Size(), storage.PutOptions{ContentType: contentType, IfNoneMatch: !opts.Overwrite, Op: "publish report"}); err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// reportCheckPrivate removes this app's own public statement for each
// uploaded key (a replaced object keeps no ACL, but a policy outlives it)
// and asks for each anonymously; what is still readable goes to
// res.StillPublic. Services without policies or anonymous access just
// answer no.
func (s *Service) reportCheckPrivate(ctx context.Context, bucket string, res PublishedReport) (PublishedReport, error) {
	for _, key := range []string{res.CSV.Key, res.HTML.Key} {
		if key == "" {
			continue
		}
		if _, err := s.RemovePublicStatement(ctx, bucket, share.PublicSid(bucket, key)); errors.Is(err, context.Canceled) {
			return res, err
		}
		url, err := s.PublicURL(bucket, key)
		if err != nil {
			return res, err
		}
		if _, err := s.VerifyPublic(ctx, url); err == nil {
			res.StillPublic = append(res.StillPublic, url)
		} else if errors.Is(err, context.Canceled) {
			return res, err
		}
	}
	return res, nil
}
