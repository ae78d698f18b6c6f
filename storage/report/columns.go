package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"

	"s3desk/storage"
)

// HTMLOptions shape the HTML table of a report.
type HTMLOptions struct {
	Title string
	// Columns are the report's columns, in this order; nil keeps them all.
	Columns []string
	// RenderLinks makes http(s) URL cells links (pandas' render_links).
	RenderLinks bool
}

// columnPicks maps the chosen column names to their index in the header;
// nil columns are all of them.
func (r *CSVReport) columnPicks(cols []string) ([]int, []string, error) {
	if len(cols) == 0 {
		idx := make([]int, len(r.Header))
		for i := range idx {
			idx[i] = i
		}
		return idx, r.Header, nil
	}
	idx := make([]int, 0, len(cols))
	seen := map[int]bool{}
	for _, c := range cols {
		i := columnIndex(r.Header, c)
		if i < 0 {
			return nil, nil, &storage.Error{Op: "write report", Kind: storage.ErrInvalidArgument,
				Msg: fmt.Sprintf("the combined table has no column %q (it has: %v); choose the report's columns again", c, r.Header)}
		}
		if !seen[i] {
			seen[i] = true
			idx = append(idx, i)
		}
	}
	names := make([]string, len(idx))
	for k, i := range idx {
		names[k] = r.Header[i]
	}
	return idx, names, nil
}

// pick is rec reduced to idx ("" for a short row's missing fields).
func pick(rec []string, idx []int, out []string) []string {
	out = out[:0]
	for _, i := range idx {
		if i < len(rec) {
			out = append(out, rec[i])
		} else {
			out = append(out, "")
		}
	}
	return out
}

// eachRow streams the combined CSV's rows (after the header) to fn.
func (r *CSVReport) eachRow(fn func(rec []string) error) error {
	f, err := os.Open(r.csvPath)
	if err != nil {
		return reportIOErr("read the combined table", err)
	}
	defer f.Close()
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	if _, err := rd.Read(); err != nil {
		if err == io.EOF {
			return nil
		}
		return reportIOErr("read the combined table", err)
	}
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return reportIOErr("read the combined table", err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// WriteCSVColumns streams the combined CSV reduced to cols (all when nil).
func (r *CSVReport) WriteCSVColumns(w io.Writer, cols []string) error {
	idx, names, err := r.columnPicks(cols)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(names); err != nil {
		return reportIOErr("write the report CSV", err)
	}
	var out []string
	err = r.eachRow(func(rec []string) error {
		out = pick(rec, idx, out)
		return cw.Write(out)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return reportIOErr("write the report CSV", err)
	}
	return bw.Flush()
}

// WriteHTMLWith streams the report as an HTML page: the chosen columns,
// cell text escaped, border=0, and (with RenderLinks) http(s) URL cells as
// links.
func (r *CSVReport) WriteHTMLWith(w io.Writer, o HTMLOptions) error {
	idx, names, err := r.columnPicks(o.Columns)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	title := o.Title
	if title == "" {
		title = "Combined report"
	}
	summary := fmt.Sprintf("%d %s from %d %s", r.Rows, reportPlural(r.Rows, "row", "rows"), len(r.Files), reportPlural(int64(len(r.Files)), "file", "files"))
	head := struct {
		Title, Summary string
		Header         []string
	}{title, summary, names}
	if err := reportTmpl.ExecuteTemplate(bw, "head", head); err != nil {
		return reportIOErr("write the HTML report", err)
	}
	var out []string
	err = r.eachRow(func(rec []string) error {
		out = pick(rec, idx, out)
		if err := reportTmpl.ExecuteTemplate(bw, "row", struct {
			Cells []string
			Links bool
		}{out, o.RenderLinks}); err != nil {
			return reportIOErr("write the HTML report", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := reportTmpl.ExecuteTemplate(bw, "foot", nil); err != nil {
		return reportIOErr("write the HTML report", err)
	}
	return bw.Flush()
}

// LinkColumns are the columns whose preview cells hold http(s) URLs.
func (r *CSVReport) LinkColumns() []string {
	var out []string
	for i, h := range r.Header {
		for _, rec := range r.Preview {
			if i < len(rec) && isLink(rec[i]) {
				out = append(out, h)
				break
			}
		}
	}
	return out
}

// NumericColumns are the columns whose preview cells are numbers (blank
// cells aside), the candidates for a chart's value.
func (r *CSVReport) NumericColumns() []string {
	var out []string
	for i, h := range r.Header {
		n := 0
		ok := true
		for _, rec := range r.Preview {
			if i >= len(rec) || rec[i] == "" {
				continue
			}
			if _, isNum := parseNumber(rec[i]); !isNum {
				ok = false
				break
			}
			n++
		}
		if ok && n > 0 {
			out = append(out, h)
		}
	}
	return out
}
