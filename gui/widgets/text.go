package widgets

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/lang"
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
		msg = lang.L("something went wrong")
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

// Plural is the word that fits n in the user's language: the catalogue's
// plural entry keyed by the English singular one (assets/lang/en.json holds
// {"one": one, "other": many}); the English words when it has none.
func Plural[N ~int | ~int64](n N, one, many string) string {
	fallback := many
	if n == 1 {
		fallback = one
	}
	if s := lang.XN(one, "\x00", int(n)); s != "\x00" && s != "" {
		return s
	}
	return fallback
}

// Count writes n with the user's thousands separator and the word that
// fits: "1 file", "1,234 files", "1.234 Dateien".
func Count[N ~int | ~int64](n N, one, many string) string {
	return Number(int64(n)) + " " + Plural(n, one, many)
}

// Number writes n with the thousands separator of the user's language
// (the catalogue's "format.thousands").
func Number[N ~int | ~int64](n N) string {
	return strings.ReplaceAll(humanize.Comma(int64(n)), ",", lang.X("format.thousands", ","))
}

// Bytes writes a size in binary units with the user's decimal separator
// (the catalogue's "format.decimal"): "1.5 MiB", "1,5 MiB".
func Bytes[N ~int | ~int64 | ~uint64](n N) string {
	return strings.ReplaceAll(humanize.IBytes(uint64(n)), ".", lang.X("format.decimal", "."))
}
