package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/csvread"
)

// This file is the guide's monthly report project: pick a month's CSVs,
// combine them, and publish report.csv, report.html, chart.html, chart.png
// (and the sources, if asked) with an index.html linking them all.

// The names a monthly report publishes under its prefix.
const (
	ReportCSV   = "report.csv"
	ReportHTML  = "report.html"
	ChartPage   = "chart.html"
	ChartImage  = "chart.png"
	SourcesDir  = "data/"
	IndexPageFn = "index.html"
)

// SourceFile is one CSV of the month, as listed.
type SourceFile struct {
	Key          string
	Name         string // Key relative to the listed prefix
	Size         int64
	LastModified time.Time
	// Header is the file's first line as CSV fields (nil when unread or
	// empty); HeaderErr says why it could not be read.
	Header    []string
	HeaderErr string
}

// MaxSourceFiles bounds the files of one report.
const MaxSourceFiles = 5000

// ListSources lists the objects under prefix (all depths) whose name
// matches pattern (a shell pattern on the file name, "*.csv" when empty;
// case-insensitive), in key order.
func (s *Service) ListSources(ctx context.Context, bucket, prefix, pattern string) ([]SourceFile, error) {
	if pattern = strings.TrimSpace(pattern); pattern == "" {
		pattern = "*.csv"
	}
	if _, err := path.Match(strings.ToLower(pattern), ""); err != nil {
		return nil, &storage.Error{Op: "list CSVs", Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("the file pattern %q is not valid (%v); use * and ? as in *.csv or requests_*.csv", pattern, err)}
	}
	var out []SourceFile
	for page, err := range s.Storage().List(ctx, bucket, storage.ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			return nil, storage.IncompleteListing(err, "list CSVs", bucket, prefix, "the list of files would be incomplete: try again later")
		}
		for _, o := range page.Objects {
			if strings.HasSuffix(o.Key, "/") {
				continue
			}
			if ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(path.Base(o.Key))); !ok {
				continue
			}
			if len(out) == MaxSourceFiles {
				return nil, &storage.Error{Op: "list CSVs", Bucket: bucket, Key: prefix, Kind: storage.ErrTooLarge,
					Msg: fmt.Sprintf("more than %d files match; choose a narrower folder or pattern", MaxSourceFiles)}
			}
			out = append(out, SourceFile{Key: o.Key, Name: strings.TrimPrefix(o.Key, prefix), Size: o.Size, LastModified: o.LastModified.UTC()})
		}
	}
	return out, nil
}

// headerPeek is how much of a file CheckHeaders reads.
const headerPeek = 16 << 10

// CheckHeaders reads the first line of each file (a ranged read of at most
// 16 KiB) into its Header, so the list can show which files will not fit
// before anything is combined.
func (s *Service) CheckHeaders(ctx context.Context, bucket string, files []SourceFile) error {
	for i := range files {
		f := &files[i]
		f.Header, f.HeaderErr = nil, ""
		if f.Size == 0 {
			f.HeaderErr = "the file is empty"
			continue
		}
		n := int64(headerPeek)
		if f.Size > 0 {
			n = min(f.Size, n) // a size not known (< 0): a range past the end is the whole object
		}
		body, info, err := s.Storage().Open(ctx, bucket, f.Key, storage.ReadOptions{Length: n})
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			f.HeaderErr = err.Error()
			continue
		}
		b, err := io.ReadAll(body)
		body.Close()
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			f.HeaderErr = err.Error()
			continue
		}
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[:i]
		}
		rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		rd.Comma = csvread.Comma(f.Key, info.ContentType)
		rd.LazyQuotes = true
		rec, err := rd.Read()
		if err != nil {
			f.HeaderErr = "the first line is not CSV: " + err.Error()
			continue
		}
		f.Header = rec
	}
	return nil
}

// MonthlyOptions say what to publish where.
type MonthlyOptions struct {
	Bucket string
	// Prefix is the report's folder; required (a report is made public as a
	// folder, never as a whole bucket). A missing trailing "/" is added.
	Prefix      string
	Title       string
	Columns     []string // nil: all
	RenderLinks bool
	Chart       *ChartSpec // nil: no chart
	// Sources, when set, are copied (server-side) from SourceBucket to
	// Prefix + "data/" + their name.
	Sources      []SourceFile
	SourceBucket string
	// Overwrite replaces existing objects; without it an existing key gives
	// storage.ErrPreconditionFailed before anything is written.
	Overwrite bool
	// Progress names each step as it starts.
	Progress func(step string)
}

// PublishedFile is one uploaded object.
type PublishedFile struct {
	Key, ContentType string
	Size             int64
}

// MonthlyReport is what PublishMonthly wrote.
type MonthlyReport struct {
	Bucket, Prefix string
	Files          []PublishedFile // in upload order, the index page last
	Index          IndexPage
}

// Keys are the uploaded keys.
func (m MonthlyReport) Keys() []string {
	out := make([]string, len(m.Files))
	for i, f := range m.Files {
		out[i] = f.Key
	}
	return out
}

func (o *MonthlyOptions) normalise() error {
	o.Prefix = strings.TrimLeft(strings.TrimSpace(o.Prefix), "/")
	if o.Prefix == "" {
		return &storage.Error{Op: "publish report", Bucket: o.Bucket, Kind: storage.ErrInvalidArgument,
			Msg: "choose a folder for the report (for example reports/22_Sept/): a report is published as a folder, not into the bucket's top level"}
	}
	if !strings.HasSuffix(o.Prefix, "/") {
		o.Prefix += "/"
	}
	if o.Bucket == "" {
		return &storage.Error{Op: "publish report", Kind: storage.ErrInvalidArgument, Msg: "choose the bucket to publish to"}
	}
	return nil
}

// MonthlyKeys are the keys PublishMonthly would write for o.
func MonthlyKeys(o MonthlyOptions) []string {
	if err := o.normalise(); err != nil {
		return nil
	}
	keys := []string{o.Prefix + ReportCSV, o.Prefix + ReportHTML}
	if o.Chart != nil {
		keys = append(keys, o.Prefix+ChartPage, o.Prefix+ChartImage)
	}
	for _, f := range o.Sources {
		keys = append(keys, o.Prefix+SourcesDir+sourceName(f))
	}
	return append(keys, IndexKey(o.Prefix))
}

func sourceName(f SourceFile) string {
	n := strings.TrimLeft(f.Name, "/")
	if n == "" {
		n = path.Base(f.Key)
	}
	return n
}

// PublishMonthly uploads the report into o.Bucket/o.Prefix: report.csv
// (text/csv), report.html (text/html), chart.html (text/html) and
// chart.png (image/png) when o.Chart is set, the source files when asked,
// then index.html listing every file under the prefix with its size and
// last-modified time (UTC) and public links. Nothing is made public here:
// ShareMonthly does that, then the links work.
func (s *Service) PublishMonthly(ctx context.Context, r *CSVReport, o MonthlyOptions) (MonthlyReport, error) {
	if err := o.normalise(); err != nil {
		return MonthlyReport{}, err
	}
	res := MonthlyReport{Bucket: o.Bucket, Prefix: o.Prefix}
	step := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	var chart ChartData
	if o.Chart != nil {
		var err error
		if chart, err = r.Chart(*o.Chart); err != nil {
			return res, err
		}
	}
	if _, _, err := r.columnPicks(o.Columns); err != nil {
		return res, err
	}
	if !o.Overwrite {
		var existing []string
		for _, k := range MonthlyKeys(o) {
			if k == IndexKey(o.Prefix) {
				continue // the index is always rewritten: it lists what is there
			}
			if _, err := s.Storage().Stat(ctx, o.Bucket, k); err == nil {
				existing = append(existing, k)
			} else if !errors.Is(err, storage.ErrNotFound) {
				return res, err
			}
		}
		if len(existing) > 0 {
			return res, &storage.Error{Op: "publish report", Bucket: o.Bucket, Key: existing[0], Kind: storage.ErrPreconditionFailed,
				Msg: fmt.Sprintf("%s already %s in %s; replace %s, or choose another folder", strings.Join(existing, ", "),
					reportPlural(int64(len(existing)), "exists", "exist"), o.Bucket, reportPlural(int64(len(existing)), "it", "them"))}
		}
	}
	put := func(key, contentType string, write func(io.Writer) error) error {
		step("Uploading " + key + "…")
		tmp, err := os.CreateTemp(r.dir, "publish-*")
		if err != nil {
			return &storage.Error{Op: "publish report", Err: err, Msg: "could not create a temporary file: " + err.Error()}
		}
		defer os.Remove(tmp.Name())
		err = write(tmp)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		n, err := s.putFile(ctx, o.Bucket, key, tmp.Name(), contentType, ReportPublishOptions{Overwrite: true})
		if err != nil {
			return err
		}
		res.Files = append(res.Files, PublishedFile{Key: key, ContentType: contentType, Size: n})
		return nil
	}
	if err := put(o.Prefix+ReportCSV, "text/csv; charset=utf-8", func(w io.Writer) error { return r.WriteCSVColumns(w, o.Columns) }); err != nil {
		return res, err
	}
	if err := put(o.Prefix+ReportHTML, "text/html; charset=utf-8", func(w io.Writer) error {
		return r.WriteHTMLWith(w, HTMLOptions{Title: o.Title, Columns: o.Columns, RenderLinks: o.RenderLinks})
	}); err != nil {
		return res, err
	}
	if o.Chart != nil {
		page, err := ChartHTML(chart)
		if err != nil {
			return res, err
		}
		if err := put(o.Prefix+ChartPage, "text/html; charset=utf-8", writeBytes(page)); err != nil {
			return res, err
		}
		img, err := RenderPNG(chart, ChartWidth, ChartHeight)
		if err != nil {
			return res, err
		}
		if err := put(o.Prefix+ChartImage, "image/png", writeBytes(img)); err != nil {
			return res, err
		}
	}
	for _, f := range o.Sources {
		dst := o.Prefix + SourcesDir + sourceName(f)
		step("Copying " + f.Key + "…")
		if err := s.Storage().Copy(ctx, storage.ObjectRef{Bucket: o.SourceBucket, Key: f.Key}, storage.ObjectRef{Bucket: o.Bucket, Key: dst}); err != nil {
			return res, err
		}
		res.Files = append(res.Files, PublishedFile{Key: dst, ContentType: "text/csv", Size: f.Size})
	}
	step("Writing the index page…")
	title := o.Title
	if title == "" {
		title = "Report " + strings.TrimSuffix(o.Prefix, "/")
	}
	page, err := s.BuildIndex(ctx, o.Bucket, IndexOptions{Prefix: o.Prefix, Links: IndexPublicLinks, Title: title})
	if err != nil {
		return res, err
	}
	if _, err := s.PublishIndex(ctx, page, PublishOptions{}); err != nil {
		return res, err
	}
	res.Index = page
	res.Files = append(res.Files, PublishedFile{Key: page.Key, ContentType: "text/html; charset=utf-8", Size: int64(len(page.HTML))})
	return res, nil
}

func writeBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}
