package sharing

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/ledger"
	"s3desk/storage/report"
	"s3desk/storage/share"
)

// This file holds the Sharer, which opens the sharing windows, and the
// small text helpers they share; the Share dialog itself is in share.go.

// ShareStore is what sharing needs from the storage service.
// *report.Service (sharing plus index pages) satisfies it.
type ShareStore interface {
	PresignGet(ctx context.Context, bucket, key string, opts share.ShareOptions) (share.SharedLink, error)
	PresignPut(ctx context.Context, bucket, key string, opts share.ShareOptions) (share.SharedLink, error)
	PublicURL(bucket, key string) (string, error)
	VerifyPublic(ctx context.Context, url string) (share.PublicCheck, error)
	MakePublic(ctx context.Context, bucket, target string, opts share.PublicOptions) (share.PublicResult, error)
	MakePrivate(ctx context.Context, bucket, target string, opts share.PrivateOptions) (share.PrivateResult, error)
	WebsiteURL(ctx context.Context, bucket, key string) (string, error)
	BuildIndex(ctx context.Context, bucket string, opts report.IndexOptions) (report.IndexPage, error)
	PublishIndex(ctx context.Context, page report.IndexPage, opts report.PublishOptions) (report.PublishedIndex, error)
}

// LinkLedger records the links the user copies. *ledger.Store satisfies it.
type LinkLedger interface {
	Add(ctx context.Context, l ledger.Link) (ledger.Link, error)
	List(ctx context.Context) ([]ledger.Link, error)
	Remove(ctx context.Context, id string) error
	RemoveExpired(ctx context.Context, now time.Time) (int, error)
}

// Sharer opens the sharing windows: the Share dialog, Make public / Make
// private, the Links view and Publish index page. It holds no widgets of
// its own; each dialog owns its widgets.
type Sharer struct {
	win     fyne.Window
	jobs    *async.Jobs
	clip    fyne.Clipboard
	store   func() ShareStore // nil when not connected
	profile func() string
	ledger  func() (LinkLedger, error)
	// conn is the connection's context, the parent of Make public's work
	// (nil or returning nil: not connected).
	conn func() context.Context
	// DefaultExpiry preselects the expiry (the user's setting).
	DefaultExpiry time.Duration
}

// NewSharer builds a Sharer. store returns the connected service (nil when
// none); openLedger opens the link ledger (nil means ledger.DefaultDir).
func NewSharer(win fyne.Window, j *async.Jobs, store func() ShareStore, profile func() string, openLedger func() (LinkLedger, error)) *Sharer {
	if openLedger == nil {
		openLedger = DefaultLedger()
	}
	if profile == nil {
		profile = func() string { return "" }
	}
	return &Sharer{win: win, jobs: j, clip: fyne.CurrentApp().Clipboard(), store: store, profile: profile,
		ledger: openLedger, DefaultExpiry: time.Hour}
}

// SetConn gives the connection's context (the parent of Make public's
// work); conn returning nil means not connected.
func (sh *Sharer) SetConn(conn func() context.Context) { sh.conn = conn }

// Store is the connected service, nil when none.
func (sh *Sharer) Store() ShareStore { return sh.store() }

// DefaultLedger opens the ledger in the app's data directory, once.
func DefaultLedger() func() (LinkLedger, error) {
	var st *ledger.Store
	var err error
	return func() (LinkLedger, error) {
		if st == nil && err == nil {
			var dir string
			if dir, err = ledger.DefaultDir(); err == nil {
				st, err = ledger.Open(dir)
			}
		}
		if err != nil {
			return nil, err
		}
		return st, nil
	}
}

// record writes l to the ledger; it returns a note for the user when that
// failed (the copy itself still happened). Call off the UI goroutine, with
// l.Profile read on the UI goroutine.
func (sh *Sharer) record(ctx context.Context, l ledger.Link) string {
	led, err := sh.ledger()
	if err == nil {
		_, err = led.Add(ctx, l)
	}
	if err != nil {
		return fmt.Sprintf(lang.L(" (not recorded in Links: %s)"), widgets.ErrorText(err))
	}
	return ""
}

// expiryPreset is one link lifetime offered to the user.
type expiryPreset struct {
	label string
	d     time.Duration
}

// expiryPresets are the link lifetimes of the Share and Publish dialogs and
// of Settings: the one table. The last, "Custom…" (0), asks for a duration;
// fixedExpiries leaves it out.
func expiryPresets() []expiryPreset {
	return []expiryPreset{
		{lang.L("1 hour"), time.Hour},
		{lang.L("1 day"), 24 * time.Hour},
		{lang.L("7 days (the longest allowed)"), share.MaxShareExpiry},
		{lang.L("Custom…"), 0},
	}
}

// fixedExpiries are expiryPresets without "Custom…".
func fixedExpiries() []expiryPreset {
	p := expiryPresets()
	return p[:len(p)-1]
}

// ExpiryLabels are the fixed link lifetimes as offered (Settings' choice
// of the default expiry).
func ExpiryLabels() []string {
	var out []string
	for _, p := range fixedExpiries() {
		out = append(out, p.label)
	}
	return out
}

// ExpiryOf is the lifetime a label of ExpiryLabels stands for.
func ExpiryOf(label string) (time.Duration, bool) {
	for _, p := range fixedExpiries() {
		if p.label == label {
			return p.d, true
		}
	}
	return 0, false
}

// ExpiryLabel is the label of d, or the first one when d is not a preset.
func ExpiryLabel(d time.Duration) string {
	for _, p := range fixedExpiries() {
		if p.d == d {
			return p.label
		}
	}
	return fixedExpiries()[0].label
}

var shareDurPart = regexp.MustCompile(`(\d+)\s*([a-zA-Z]+)`)

// parseShareExpiry reads "90m", "36h", "2d", "1d 12h", "3600s" or a bare
// number of hours.
func parseShareExpiry(text string) (time.Duration, error) {
	t := strings.TrimSpace(strings.ToLower(text))
	if t == "" {
		return 0, errors.New(lang.L("type how long the link should work, e.g. 36h, 3d or 90m"))
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil {
		return time.Duration(n * float64(time.Hour)), nil
	}
	rest := shareDurPart.ReplaceAllString(t, "")
	if strings.Trim(rest, " ,") != "" {
		return 0, fmt.Errorf(lang.L("%q is not a duration; write it like 36h, 3d, 90m or 1d 12h"), text)
	}
	var d time.Duration
	for _, m := range shareDurPart.FindAllStringSubmatch(t, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		if n > 1e6 {
			return 0, fmt.Errorf(lang.L("%q is far too long"), text)
		}
		var unit time.Duration
		switch m[2] {
		case "s", "sec", "secs", "second", "seconds":
			unit = time.Second
		case "m", "min", "mins", "minute", "minutes":
			unit = time.Minute
		case "h", "hr", "hrs", "hour", "hours":
			unit = time.Hour
		case "d", "day", "days":
			unit = 24 * time.Hour
		case "w", "week", "weeks":
			unit = 7 * 24 * time.Hour
		default:
			return 0, fmt.Errorf(lang.L("unknown unit %q; use s, m, h or d"), m[2])
		}
		d += time.Duration(n) * unit
	}
	return d, nil
}

// whenText writes an expiry for people: "Tue 3 Mar 14:05 (in 2 hours)".
func whenText(t, now time.Time) string {
	if t.IsZero() {
		return lang.L("never (until made private)")
	}
	return widgets.FormatLong(t.Local()) + " (" + untilText(t.Sub(now)) + ")"
}

// untilText is a rough countdown: "in 3 h 12 min", "2 days ago".
func untilText(d time.Duration) string {
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf(lang.L("%s s"), strconv.Itoa(int(d/time.Second)))
	case d < time.Hour:
		s = fmt.Sprintf(lang.L("%s min"), strconv.Itoa(int(d/time.Minute)))
	case d < 48*time.Hour:
		s = fmt.Sprintf(lang.L("%d h %d min"), int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		s = fmt.Sprintf(lang.L("%d days %d h"), int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
	if past {
		return fmt.Sprintf(lang.L("%s ago"), s)
	}
	return fmt.Sprintf(lang.L("in %s"), s)
}

// shareSentence starts text with a capital letter and ends it with a stop.
func shareSentence(text string) string {
	if text == "" {
		return ""
	}
	r := []rune(text)
	text = strings.ToUpper(string(r[0])) + string(r[1:])
	if !strings.HasSuffix(text, ".") {
		text += "."
	}
	return text
}
