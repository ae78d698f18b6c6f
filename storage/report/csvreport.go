package report

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
			return nil, cutShort(bucket, key, err)
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

// cutShort is a read of a source file that failed part-way (a cut body, a
// lost connection, a checksum mismatch): the combine stops and names the
// file, since its rows would otherwise be silently missing.
func cutShort(bucket, key string, err error) error {
	e := &storage.Error{Op: "combine CSVs", Bucket: bucket, Key: key, Err: err}
	var se *storage.Error
	if errors.As(err, &se) {
		e.Kind, e.Code = se.Kind, se.Code
	}
	if errors.Is(err, context.Canceled) {
		e.Msg = "combine CSVs: cancelled"
		return e
	}
	e.Msg = fmt.Sprintf("reading %q failed part-way (%v); nothing was combined, since its rows would be missing: combine again", key, err)
	return e
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
