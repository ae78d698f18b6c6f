package guitest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// HTTP sends method to url with body ("" for none), as a stranger's browser
// would (no credentials), and returns the status and the body.
func HTTP(t *testing.T, method, url string, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, url, r)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
