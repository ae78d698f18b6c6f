package report_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/sharetest"
	"s3desk/storage/report"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

var shareHref = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)

// shareLinks returns the page's links as name -> absolute URL.
func shareLinks(t *testing.T, page []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range shareHref.FindAllSubmatch(page, -1) {
		out[html.UnescapeString(string(m[2]))] = html.UnescapeString(string(m[1]))
	}
	return out
}

func TestIndexPageListsExactlyThePrefixEscapedAndPublished(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	objects := map[string]string{
		"site/a.txt":                           "alpha",
		"site/sub/b+c ü.txt":                   "beta",
		"site/<script>alert(1)<":               "hostile",
		"site/\"><img src=x onerror=alert(1)>": "hostile2",
		"siteX.txt":                            "outside",
		"other/x.txt":                          "outside",
	}
	for k, v := range objects {
		sharetest.Put(t, c, b, k, []byte(v))
	}
	sharetest.Put(t, c, b, "site/index.html", []byte("old page"))

	page, err := report.New(svc).BuildIndex(ctx, b, report.IndexOptions{Prefix: "site", Links: report.IndexPublicLinks})
	if err != nil {
		t.Fatal(err)
	}
	if page.Key != "site/index.html" || page.Prefix != "site/" {
		t.Fatalf("key %q prefix %q", page.Key, page.Prefix)
	}
	var keys []string
	for _, it := range page.Items {
		keys = append(keys, it.Key)
	}
	want := []string{"site/\"><img src=x onerror=alert(1)>", "site/<script>alert(1)<", "site/a.txt", "site/sub/b+c ü.txt"}
	if !slices.Equal(keys, want) {
		t.Fatalf("listed %q, want %q", keys, want)
	}
	body := string(page.HTML)
	if strings.Contains(body, "<script>") || strings.Contains(body, "<img") {
		t.Fatalf("hostile key rendered as markup:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;") {
		t.Fatalf("hostile key not shown as text:\n%s", body)
	}
	links := shareLinks(t, page.HTML)
	if len(links) != 4 {
		t.Fatalf("links %v", links)
	}

	// Publish: page and files public through the folder's policy statement.
	pub, err := report.New(svc).PublishIndex(ctx, page, report.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := share.New(svc).MakePublic(ctx, b, "site/", share.PublicOptions{AllowPolicy: true}); err != nil {
		t.Fatal(err)
	}
	st, got, hdr := sharetest.Anon(t, http.MethodGet, pub.URL, nil, nil)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || string(got) != body {
		t.Fatalf("page: %d %q %.80q", st, hdr.Get("Content-Type"), got)
	}
	for name, key := range map[string]string{"sub/b+c ü.txt": "site/sub/b+c ü.txt", "<script>alert(1)<": "site/<script>alert(1)<"} {
		u, err := neturl.Parse(shareLinks(t, got)[name])
		if err != nil || u.Host == "" {
			t.Fatalf("link for %q: %v %v", name, u, err)
		}
		if st, b2, _ := sharetest.Anon(t, http.MethodGet, u.String(), nil, nil); st != 200 || string(b2) != objects[key] {
			t.Fatalf("link %s: %d %q", u, st, b2)
		}
	}

	// Re-publishing updates the page.
	sharetest.Put(t, c, b, "site/new.txt", []byte("new"))
	page2, err := report.New(svc).BuildIndex(ctx, b, report.IndexOptions{Prefix: "site/", Links: report.IndexPublicLinks})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.New(svc).PublishIndex(ctx, page2, report.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := sharetest.Anon(t, http.MethodGet, pub.URL, nil, nil); !strings.Contains(string(got), ">new.txt</a>") {
		t.Fatalf("republished page lacks new.txt")
	}
}

func TestIndexPagePresignedLinksStateExpiry(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, c, b := srv.Service(t), srv.Client(t), srv.Bucket(t)
	ctx := context.Background()
	sharetest.Put(t, c, b, "r/one.csv", []byte("1,2"))
	sharetest.Put(t, c, b, "root.txt", []byte("root"))
	if _, err := report.New(svc).BuildIndex(ctx, b, report.IndexOptions{Links: report.IndexPresignedLinks, Expiry: 8 * 24 * time.Hour}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("8-day links: %v", err)
	}
	page, err := report.New(svc).BuildIndex(ctx, b, report.IndexOptions{Links: report.IndexPresignedLinks, Expiry: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if page.Key != "index.html" || len(page.Items) != 2 {
		t.Fatalf("root page %q with %d items", page.Key, len(page.Items))
	}
	if d := time.Until(page.LinksExpire); d < 23*time.Hour || d > 25*time.Hour {
		t.Fatalf("links expire in %v", d)
	}
	if !strings.Contains(string(page.HTML), page.LinksExpire.Format("2006-01-02 15:04 UTC")) {
		t.Fatal("page does not state the links' expiry")
	}
	pub, err := report.New(svc).PublishIndex(ctx, page, report.PublishOptions{ACL: "public-read"})
	if err != nil {
		t.Fatal(err)
	}
	// versitygw ignores object ACLs; the result must say the page is not
	// public rather than pretend.
	st, _, _ := sharetest.Anon(t, http.MethodGet, pub.URL, nil, nil)
	if pub.Verified != (st == 200) {
		t.Fatalf("verified %v but anonymous GET answered %d", pub.Verified, st)
	}
	link, err := share.New(svc).PresignGet(ctx, b, page.Key, share.ShareOptions{Expiry: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	st, got, hdr := sharetest.Anon(t, http.MethodGet, link.URL, nil, nil)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("page via presigned link: %d %q", st, hdr.Get("Content-Type"))
	}
	u := shareLinks(t, got)["r/one.csv"]
	if st, b2, _ := sharetest.Anon(t, http.MethodGet, u, nil, nil); st != 200 || string(b2) != "1,2" {
		t.Fatalf("presigned link on page %s: %d %q", u, st, b2)
	}
}

func TestIndexKeyAndEmptyFolder(t *testing.T) {
	if report.IndexKey("") != "index.html" || report.IndexKey("a/b/") != "a/b/index.html" || report.IndexKey("a") != "a/index.html" {
		t.Fatal("IndexKey")
	}
	out, err := report.RenderIndex(report.IndexPage{Bucket: "b", Title: "T <x>", Links: report.IndexPublicLinks})
	if err != nil || !strings.Contains(string(out), "This folder is empty.") || !strings.Contains(string(out), "T &lt;x&gt;") {
		t.Fatalf("%v\n%s", err, out)
	}
}
