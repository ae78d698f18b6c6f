// Package csvread reads delimited tables the way preview and report both
// read them: without a BOM, rows of any length, guarded against a runaway
// record from an unclosed quote.
package csvread

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
)

// Table limits shared by the preview and the combined report.
const (
	PreviewRows = 1000 // rows shown of a table
	MaxProblems = 100  // problems kept per file
)

// Problem is one row a table reader could not take as it is.
type Problem struct {
	Key  string // the object, in a combine; "" in a single preview
	Line int    // 1-based line of the file where the record starts
	Msg  string
}

func (p Problem) String() string {
	if p.Key != "" {
		return fmt.Sprintf("%s, line %d: %s", p.Key, p.Line, p.Msg)
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

// MaxRecordBytes is the size of one record past which a file is broken, not data.
const MaxRecordBytes = 16 << 20

// KeyExt is the lower-case extension of the key's last segment without the
// dot; a name without one (Makefile, Dockerfile) is its own extension.
func KeyExt(key string) string {
	base := strings.ToLower(path.Base(strings.TrimRight(key, "/")))
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i+1:]
	}
	return base
}

// Comma picks the delimiter of a table object.
func Comma(key, contentType string) rune {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/tab-separated-values" {
		return '\t'
	}
	if ext := KeyExt(key); ext == "tsv" || ext == "tab" {
		return '\t'
	}
	return ','
}

// ErrText is a ParseError without its "record on line N" prefix.
func ErrText(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return "a quoted field is not closed (or has a stray \" inside); the row was skipped"
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return "a \" appears inside an unquoted field; quote the field and double the \"; the row was skipped"
	}
	return pe.Err.Error() + "; the row was skipped"
}

// NewReader reads delimited records from r without a BOM, allowing rows
// of any length, guarded against runaway records: a record longer than
// MaxRecordBytes fails the read with tooLong(msg), msg saying what happened.
func NewReader(r io.Reader, comma rune, tooLong func(msg string) error) (*csv.Reader, *Guard) {
	g := &Guard{r: stripBOM(r), tooLong: tooLong}
	rd := csv.NewReader(g)
	rd.Comma = comma
	rd.FieldsPerRecord = -1
	return rd, g
}

// UTF8BOM is the UTF-8 byte order mark.
var UTF8BOM = []byte{0xEF, 0xBB, 0xBF}

// stripBOM drops a leading UTF-8 byte order mark.
func stripBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, UTF8BOM) {
		br.Discard(3)
	}
	return br
}

// Guard fails a read once one record has taken MaxRecordBytes, so
// an unclosed quote in a huge file cannot swallow it into memory.
type Guard struct {
	r       io.Reader
	since   int64
	tooLong func(msg string) error
}

func (g *Guard) Read(p []byte) (int, error) {
	if g.since > MaxRecordBytes {
		return 0, g.tooLong(fmt.Sprintf("one row is longer than %d MB; the file probably has an unclosed quote", MaxRecordBytes>>20))
	}
	n, err := g.r.Read(p)
	g.since += int64(n)
	return n, err
}

// CountingReader counts the bytes read through it in N.
type CountingReader struct {
	R io.Reader
	N int64
}

func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// Mark starts a new record.
func (g *Guard) Mark() { g.since = 0 }
