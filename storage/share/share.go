package share

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"

	"s3desk/storage"
)

// Service shares objects on a storage.Service: presigned links, public
// URLs, and making objects and folders public or private again through
// ACLs or a bucket-policy statement, each change undone exactly on failure.
type Service struct{ svc *storage.Service }

// New is sharing on svc.
func New(svc *storage.Service) *Service { return &Service{svc: svc} }

// Storage is the service s shares on.
func (s *Service) Storage() *storage.Service { return s.svc }

// Credentials are the credentials links are signed with (a link signed with
// temporary credentials ends with them).
func (s *Service) Credentials(ctx context.Context) (aws.Credentials, error) {
	return s.svc.Credentials(ctx)
}

// MaxShareExpiry is the longest a SigV4 presigned link can live: 7 days
// (604,800 seconds).
const MaxShareExpiry = 7 * 24 * time.Hour

// LinkKind says what a shared link does.
type LinkKind string

// Kinds of link.
const (
	LinkPresigned LinkKind = "presigned" // anyone with the URL can download until it expires
	LinkUpload    LinkKind = "upload"    // anyone with the URL can upload one file to the key
	LinkPublic    LinkKind = "public"    // the object is readable by anyone; no expiry
	LinkWebsite   LinkKind = "website"   // the bucket's static-website endpoint
)

// ExpiryLimit explains why a link dies earlier than the expiry asked for.
type ExpiryLimit string

// Reasons a link may end early.
const (
	// LimitNone: the link lives exactly as long as asked.
	LimitNone ExpiryLimit = ""
	// LimitCredentials: the link was signed with temporary credentials
	// (session token, SSO, assumed role) that expire first.
	LimitCredentials ExpiryLimit = "temporary-credentials"
	// LimitSessionUnknown: the credentials carry a session token whose end
	// the app cannot know; the link dies with that session.
	LimitSessionUnknown ExpiryLimit = "session-token"
)

// ShareOptions shape a presigned link.
type ShareOptions struct {
	// Expiry is how long the link should work: more than zero, at most
	// MaxShareExpiry, in whole seconds.
	Expiry time.Duration
	// DownloadAs, when set, makes browsers save the download under this file
	// name (response-content-disposition). GET links only.
	DownloadAs string
	// ContentType, for upload links, is signed into the link: the uploader
	// must send exactly this Content-Type header. Empty leaves it free.
	ContentType string
}

// SharedLink is a link ready to copy, with the truth about how long it works.
type SharedLink struct {
	Kind    LinkKind
	Method  string // GET or PUT
	URL     string
	Bucket  string
	Key     string
	Created time.Time
	// Signed is the expiry written into the signature: Created + Expiry.
	Signed time.Time
	// Expires is when the link really stops working: the earlier of Signed
	// and the credentials' expiry. Zero for public links, which do not expire.
	Expires time.Time
	// Limit and Why say why Expires is earlier than Signed (or may be).
	Limit ExpiryLimit
	Why   string
	// Header lists headers the uploader must send with a PUT link.
	Header http.Header
}

// ValidateExpiry checks a requested link lifetime and says plainly what is
// wrong with it.
func ValidateExpiry(d time.Duration) error {
	switch {
	case d <= 0:
		return &storage.Error{Op: "share link", Kind: storage.ErrInvalidArgument,
			Msg: "the link's expiry must be longer than zero; choose 1 hour, 1 day, 7 days or a custom time"}
	case d < time.Second:
		return &storage.Error{Op: "share link", Kind: storage.ErrInvalidArgument,
			Msg: "the link's expiry must be at least one second"}
	case d > MaxShareExpiry:
		return &storage.Error{Op: "share link", Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("a presigned link can work for at most 7 days (604,800 seconds); %s is too long. For a link that never expires, use \"Make public\"", shareDuration(d))}
	}
	return nil
}

// PresignGet makes a link anyone can use to download bucket/key until it
// expires, without credentials.
func (s *Service) PresignGet(ctx context.Context, bucket, key string, opts ShareOptions) (SharedLink, error) {
	if err := ValidateExpiry(opts.Expiry); err != nil {
		return SharedLink{}, err
	}
	s.svc.LearnRegion(ctx, bucket)
	in := storage.PresignInput{Op: "make a share link", Method: http.MethodGet, Bucket: bucket, Key: key, Expiry: opts.Expiry}
	if opts.DownloadAs != "" {
		cd, err := ContentDispositionFor(opts.DownloadAs)
		if err != nil {
			return SharedLink{}, err
		}
		in.ContentDisposition = cd
	}
	req, err := s.svc.Presign(ctx, in)
	if err != nil {
		return SharedLink{}, err
	}
	return s.shareFinish(ctx, LinkPresigned, bucket, key, req.Method, req.URL, req.SignedHeader, opts.Expiry)
}

// PresignPut makes a link anyone can use to upload one file to bucket/key
// (an HTTP PUT of the file's bytes) until it expires. An existing object at
// the key is replaced by the upload.
func (s *Service) PresignPut(ctx context.Context, bucket, key string, opts ShareOptions) (SharedLink, error) {
	if err := ValidateExpiry(opts.Expiry); err != nil {
		return SharedLink{}, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return SharedLink{}, &storage.Error{Op: "make an upload link", Bucket: bucket, Key: key, Kind: storage.ErrInvalidArgument,
			Msg: "an upload link needs a file name (a key not ending in \"/\")"}
	}
	s.svc.LearnRegion(ctx, bucket)
	in := storage.PresignInput{Op: "make an upload link", Method: http.MethodPut, Bucket: bucket, Key: key, Expiry: opts.Expiry, ContentType: opts.ContentType}
	req, err := s.svc.Presign(ctx, in)
	if err != nil {
		return SharedLink{}, err
	}
	return s.shareFinish(ctx, LinkUpload, bucket, key, req.Method, req.URL, req.SignedHeader, opts.Expiry)
}

func (s *Service) shareFinish(ctx context.Context, kind LinkKind, bucket, key, method, rawURL string, signed http.Header, d time.Duration) (SharedLink, error) {
	l := SharedLink{Kind: kind, Method: method, URL: rawURL, Bucket: bucket, Key: key, Created: time.Now()}
	if u, err := url.Parse(rawURL); err == nil {
		if t, err := time.Parse("20060102T150405Z", u.Query().Get("X-Amz-Date")); err == nil {
			l.Created = t
		}
	}
	l.Signed = l.Created.Add(d.Truncate(time.Second))
	l.Expires = l.Signed
	if kind == LinkUpload {
		l.Header = http.Header{}
		for k, v := range signed {
			if strings.EqualFold(k, "Host") {
				continue
			}
			l.Header[k] = v
		}
	}
	creds, err := s.svc.Credentials(ctx)
	if err != nil {
		return SharedLink{}, err
	}
	l.Limit, l.Expires, l.Why = ShareExpiry(l.Signed, creds.CanExpire, creds.Expires, creds.SessionToken != "")
	return l, nil
}

// ShareExpiry works out when a link signed to expire at signed really stops
// working, given the signing credentials: temporary credentials end the link
// when they end. It returns the reason in words when the two differ.
func ShareExpiry(signed time.Time, credsCanExpire bool, credsExpire time.Time, hasSessionToken bool) (ExpiryLimit, time.Time, string) {
	switch {
	case credsCanExpire && !credsExpire.IsZero() && credsExpire.Before(signed):
		return LimitCredentials, credsExpire, fmt.Sprintf(
			"the link stops working at %s, not %s: it is signed with temporary credentials (a session token, SSO sign-in or assumed role) that expire then, and a presigned link dies with the credentials that signed it",
			credsExpire.Local().Format("Mon 2 Jan 15:04 MST"), signed.Local().Format("Mon 2 Jan 15:04 MST"))
	case hasSessionToken && (!credsCanExpire || credsExpire.IsZero()):
		return LimitSessionUnknown, signed, "the link is signed with temporary credentials (a session token) whose end the app cannot see; it stops working when that session ends, which may be before the time shown"
	}
	return LimitNone, signed, ""
}

// ContentDispositionFor builds the Content-Disposition value that makes a
// browser save a download as name. Path separators and control characters
// are refused; non-ASCII names are carried in RFC 6266's filename*.
func ContentDispositionFor(name string) (string, error) {
	bad := func(msg string) (string, error) {
		return "", &storage.Error{Op: "share link", Kind: storage.ErrInvalidName, Msg: "the \"download as\" name " + msg}
	}
	switch {
	case strings.TrimSpace(name) == "":
		return bad("is empty")
	case !utf8.ValidString(name):
		return bad("is not valid text")
	case strings.ContainsAny(name, "/\\"):
		return bad("must be a file name, without / or \\")
	case name == "." || name == "..":
		return bad("must be a file name")
	case len(name) > 255:
		return bad("is longer than 255 bytes")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return bad("contains a control character")
		}
	}
	var ascii strings.Builder
	plain := true
	for _, r := range name {
		switch {
		case r == '"' || r == '%' || r == ';':
			ascii.WriteByte('_')
			plain = false
		case r < 0x80:
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
			plain = false
		}
	}
	cd := `attachment; filename="` + ascii.String() + `"`
	if !plain {
		cd += "; filename*=UTF-8''" + storage.EscapeKey(name)
	}
	return cd, nil
}

// PublicURL is the address of bucket/key that works without credentials once
// the object is public. The key is escaped as EscapeKey does.
func (s *Service) PublicURL(bucket, key string) (string, error) {
	base, err := s.svc.BucketURL(bucket)
	if err != nil {
		return "", err
	}
	return base + "/" + storage.EscapeKey(key), nil
}

// shareDuration writes a duration in days, hours and minutes.
func shareDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return strconv.Itoa(n) + " days"
	}
	if d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	}
	return d.Truncate(time.Second).String()
}
