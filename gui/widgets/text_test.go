package widgets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorText(t *testing.T) {
	if got := ErrorText(fmt.Errorf("listing: %w", context.Canceled)); got != "" {
		t.Errorf("a cancellation shows %q, want nothing", got)
	}
	if got := ErrorText(errors.New("access denied <?xml version=\"1.0\"?><Error>…</Error>")); got != "access denied" {
		t.Errorf("XML body kept: %q", got)
	}
	// A short list (what a delete could not remove) survives; a dump does not.
	list := ErrorText(errors.New("2 objects could not be deleted:\na: denied\nb: denied\n"))
	if !strings.Contains(list, "b: denied") {
		t.Errorf("list cut: %q", list)
	}
	dump := ErrorText(errors.New(strings.Repeat("line\n", 100)))
	if n := strings.Count(dump, "\n"); n > maxErrorLines {
		t.Errorf("dump of %d lines kept", n)
	}
	if got := ErrorText(errors.New("")); got != "something went wrong" {
		t.Errorf("empty error shows %q", got)
	}
}

func TestPluralAndCount(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Count(1, "file", "files"), "1 file"},
		{Count(0, "file", "files"), "0 files"},
		{Count(int64(12345), "object", "objects"), "12,345 objects"},
		{Plural(2, "was", "were"), "were"},
		{Sentence("über"), "Über"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
