package report

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"s3desk/storage"
	"s3desk/storage/internal/csvread"
	"s3desk/storage/share"
)

// MismatchAction is the caller's answer to a file whose header differs.
type MismatchAction int

// Answers to a header mismatch.
const (
	SkipFile    MismatchAction = iota // leave the file out and go on
	StopCombine                       // stop; CombineCSV returns storage.ErrHeaderMismatch
)

// HeaderMismatch names a file left out of a combine, and why.
type HeaderMismatch struct {
	Key    string
	Header []string // the file's header (nil for an empty file)
	Want   []string // the header of the first file
	Reason string   // a sentence for the user
}

// CombineOptions says which CSV objects to combine and how to report.
type CombineOptions struct {
	// Keys are objects to combine, in this order. Prefixes are listed
	// recursively (in key order) for objects ending in .csv, after Keys.
	Keys     []string
	Prefixes []string
	// PreviewRows is how many combined rows to keep in memory for display
	// (0 means csvread.PreviewRows).
	PreviewRows int
	// OnMismatch decides what to do with a file whose header differs from
	// the first file's. Nil skips it. It runs on CombineCSV's goroutine and
	// may block while the user answers.
	OnMismatch func(HeaderMismatch) MismatchAction
	// OnProgress reports after each file and every few thousand rows.
	OnProgress func(CombineProgress)
	// TempDir holds the combined CSV while the CSVReport is open
	// (os.TempDir() when empty).
	TempDir string
}

// CombineProgress is the running state of a combine.
type CombineProgress struct {
	Key        string // the file being read
	FilesDone  int
	FilesTotal int
	Rows       int64 // rows combined so far
	Bytes      int64 // bytes of the objects read so far
}

// CSVReport is the result of CombineCSV: counts and the first rows in memory,
// the whole combined CSV in a temporary file. Close removes the file.
type CSVReport struct {
	Bucket   string
	Header   []string
	Preview  [][]string // the first PreviewRows rows
	Rows     int64      // all combined rows
	Files    []string   // keys whose rows are in the report, in order
	Skipped  []HeaderMismatch
	Problems []csvread.Problem // malformed rows (first 100 per file), by key and line
	Size     int64             // bytes of the combined CSV

	dir     string
	csvPath string
}

// WriteCSV streams the combined CSV (header and all rows) to w.
func (r *CSVReport) WriteCSV(w io.Writer) (int64, error) {
	f, err := os.Open(r.csvPath)
	if err != nil {
		return 0, reportIOErr("read the combined table", err)
	}
	defer f.Close()
	return io.Copy(w, f)
}

// Close removes the report's temporary files.
func (r *CSVReport) Close() error {
	if r == nil || r.dir == "" {
		return nil
	}
	return os.RemoveAll(r.dir)
}

// CombineCSV streams the selected CSV objects one at a time and concatenates
// the rows of those whose header matches the first file's. Only the preview
// rows stay in memory; the combined CSV goes to a temporary file owned by
// the CSVReport. A file with a different header is offered to OnMismatch.
func (s *Service) CombineCSV(ctx context.Context, bucket string, opts CombineOptions) (*CSVReport, error) {
	keys, err := s.combineKeys(ctx, bucket, opts)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, &storage.Error{Op: "combine CSVs", Bucket: bucket, Kind: storage.ErrNotFound,
			Msg: "there are no .csv objects in the selection; select CSV files or a folder that holds them"}
	}
	limit := opts.PreviewRows
	if limit <= 0 {
		limit = csvread.PreviewRows
	}
	dir, err := os.MkdirTemp(opts.TempDir, "s3desk-report-")
	if err != nil {
		return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not create a temporary folder for the report: " + err.Error()}
	}
	rep := &CSVReport{Bucket: bucket, dir: dir, csvPath: filepath.Join(dir, "combined.csv")}
	ok := false
	defer func() {
		if !ok {
			rep.Close()
		}
	}()
	f, err := os.OpenFile(rep.csvPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not create the report file: " + err.Error()}
	}
	defer f.Close()
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 256<<10)
	w := csv.NewWriter(bw)

	prog := CombineProgress{FilesTotal: len(keys)}
	report := func() {
		if opts.OnProgress != nil {
			opts.OnProgress(prog)
		}
	}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return nil, storage.MapError("combine CSVs", bucket, key, err)
		}
		prog.Key = key
		report()
		mm, err := s.combineOne(ctx, bucket, key, rep, w, limit, &prog, report)
		if err != nil {
			return nil, err
		}
		if mm != nil {
			rep.Skipped = append(rep.Skipped, *mm)
			if mm.Header != nil && opts.OnMismatch != nil && opts.OnMismatch(*mm) == StopCombine {
				return nil, &storage.Error{Op: "combine CSVs", Bucket: bucket, Key: key, Kind: storage.ErrHeaderMismatch,
					Msg: fmt.Sprintf("stopped: the header of %q differs from the first file's", key)}
			}
		} else {
			rep.Files = append(rep.Files, key)
		}
		prog.FilesDone++
		report()
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not write the report file: " + err.Error()}
	}
	if err := bw.Flush(); err != nil {
		return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not write the report file: " + err.Error()}
	}
	if err := f.Close(); err != nil {
		return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not write the report file: " + err.Error()}
	}
	rep.Size = cw.n
	ok = true
	return rep, nil
}

// combineOne appends one object's rows. It returns a HeaderMismatch when the
// file is left out.
func (s *Service) combineOne(ctx context.Context, bucket, key string, rep *CSVReport, w *csv.Writer, limit int,
	prog *CombineProgress, report func()) (*HeaderMismatch, error) {
	body, info, err := s.Storage().Open(ctx, bucket, key, storage.ReadOptions{})
	if err != nil {
		var se *storage.Error
		if errors.As(err, &se) {
			se.Op = "combine CSVs"
		}
		return nil, err
	}
	defer body.Close()
	cr := &csvread.CountingReader{R: body}
	before := prog.Bytes
	rd, guard := csvread.NewReader(cr, csvread.Comma(key, info.ContentType), tableTooLong)
	problems := 0
	first := true
	for {
		rec, err := rd.Read()
		guard.Mark()
		prog.Bytes = before + cr.N
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if problems < csvread.MaxProblems {
				rep.Problems = append(rep.Problems, csvread.Problem{Key: key, Line: pe.StartLine, Msg: csvread.ErrText(pe)})
			}
			problems++
			continue
		}
		if err != nil {
			return nil, storage.MapError("combine CSVs", bucket, key, err)
		}
		if first {
			first = false
			if rep.Header == nil {
				rep.Header = slices.Clone(rec)
				if err := w.Write(rec); err != nil {
					return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not write the report file: " + err.Error()}
				}
				continue
			}
			if !sameHeader(rec, rep.Header) {
				return &HeaderMismatch{Key: key, Header: rec, Want: rep.Header,
					Reason: fmt.Sprintf("its header (%s) differs from the first file's (%s)", strings.Join(rec, ", "), strings.Join(rep.Header, ", "))}, nil
			}
			continue
		}
		if len(rec) != len(rep.Header) && problems < csvread.MaxProblems {
			line, _ := rd.FieldPos(0)
			rep.Problems = append(rep.Problems, csvread.Problem{Key: key, Line: line,
				Msg: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(rep.Header))})
			problems++
		}
		if err := w.Write(rec); err != nil {
			return nil, &storage.Error{Op: "combine CSVs", Err: err, Msg: "could not write the report file: " + err.Error()}
		}
		if len(rep.Preview) < limit {
			rep.Preview = append(rep.Preview, rec)
		}
		rep.Rows++
		prog.Rows = rep.Rows
		if rep.Rows%5000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, storage.MapError("combine CSVs", bucket, key, err)
			}
			report()
		}
	}
	if first {
		return &HeaderMismatch{Key: key, Reason: "the file is empty"}, nil
	}
	return nil, nil
}

func sameHeader(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimSpace(a[i]) != strings.TrimSpace(b[i]) {
			return false
		}
	}
	return true
}

// combineKeys is opts.Keys followed by the .csv objects under opts.Prefixes,
// without repeats.
func (s *Service) combineKeys(ctx context.Context, bucket string, opts CombineOptions) ([]string, error) {
	seen := map[string]bool{}
	var keys []string
	for _, k := range opts.Keys {
		if k != "" && !strings.HasSuffix(k, "/") && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, prefix := range opts.Prefixes {
		for page, err := range s.Storage().List(ctx, bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
			if err != nil {
				var le *storage.Error
				if errors.As(err, &le) && le.Op == "list" {
					le.Op = "list CSVs"
				}
				return nil, storage.IncompleteListing(err, "combine CSVs", bucket, prefix,
					"nothing was combined or uploaded, since some files would be missing: try again later")
			}
			for _, o := range page.Objects {
				k := o.Key
				if strings.HasSuffix(strings.ToLower(k), ".csv") && !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	return keys, nil
}

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
{{- define "row"}}<tr>{{range .}}<td>{{if isLink .}}<a href="{{.}}">{{.}}</a>{{else}}{{.}}{{end}}</td>{{end}}</tr>
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
	f, err := os.Open(r.csvPath)
	if err != nil {
		return reportIOErr("read the combined table", err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	if title == "" {
		title = "Combined report"
	}
	summary := fmt.Sprintf("%d %s from %d %s", r.Rows, reportPlural(r.Rows, "row", "rows"), len(r.Files), reportPlural(int64(len(r.Files)), "file", "files"))
	if _, err := rd.Read(); err != nil && err != io.EOF { // the header, already in r.Header
		return reportIOErr("read the combined table", err)
	}
	head := struct {
		Title, Summary string
		Header         []string
	}{title, summary, r.Header}
	if err := reportTmpl.ExecuteTemplate(bw, "head", head); err != nil {
		return reportIOErr("write the HTML report", err)
	}
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return reportIOErr("read the combined table", err)
		}
		if err := reportTmpl.ExecuteTemplate(bw, "row", rec); err != nil {
			return reportIOErr("write the HTML report", err)
		}
	}
	if err := reportTmpl.ExecuteTemplate(bw, "foot", nil); err != nil {
		return reportIOErr("write the HTML report", err)
	}
	return bw.Flush()
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

// reportIOErr says what went wrong with the report's local files and what
// to do about it.
func reportIOErr(what string, err error) error {
	return &storage.Error{Op: what, Err: err,
		Msg: fmt.Sprintf("could not %s (%v); the disk may be full or the combined table's temporary file gone: free some space, then combine again", what, err)}
}

func reportPlural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// tableTooLong is the error of a record longer than csvread.MaxRecordBytes.
func tableTooLong(msg string) error {
	return &storage.Error{Op: "read table", Kind: storage.ErrUnreadable, Msg: msg}
}

// Service is sharing (storage/share) plus combined CSV reports and index
// pages, which publish through it.
type Service struct{ *share.Service }

// New is reports and index pages on svc.
func New(svc *storage.Service) *Service { return &Service{share.New(svc)} }
