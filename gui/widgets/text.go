package widgets

import (
	"context"
	"errors"
	"strings"

	"github.com/dustin/go-humanize"

	"s3desk/storage"
)

// maxErrorLines and maxErrorRunes bound the text shown for an error: enough
// for a short list (the objects a delete could not remove), never a dump.
const (
	maxErrorLines = 8
	maxErrorRunes = 600
)

// ErrorText is the sentence shown to a person for err: the storage error's
// own plain text, never a stack or a raw XML body. It returns "" for a
// cancellation the user asked for.
func ErrorText(err error) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return ""
	}
	var se *storage.Error
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Error()
	}
	// No XML bodies, no long multi-line dumps.
	if i := strings.Index(msg, "<?xml"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	if lines := strings.Split(msg, "\n"); len(lines) > maxErrorLines {
		msg = strings.Join(lines[:maxErrorLines], "\n") + "\n…"
	}
	if r := []rune(msg); len(r) > maxErrorRunes {
		msg = string(r[:maxErrorRunes]) + "…"
	}
	msg = strings.TrimSpace(msg)
	if msg == "" {
		msg = "something went wrong"
	}
	return msg
}

// Sentence capitalises the first letter, for a message that stands alone.
func Sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// Plural is one for n == 1 and many otherwise.
func Plural[N ~int | ~int64](n N, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count writes n with thousands separators and the word that fits:
// "1 file", "1,234 files".
func Count[N ~int | ~int64](n N, one, many string) string {
	return humanize.Comma(int64(n)) + " " + Plural(n, one, many)
}
