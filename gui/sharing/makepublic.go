package sharing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/share"
)

// publicOutcome is what happened to one file or folder.
type publicOutcome struct {
	target     string
	res        share.PublicResult
	priv       share.PrivateResult
	url        string
	err        error
	still      bool // Make private: the URL still opens anonymously
	notStarted bool // cancelled before its turn
}

// MakePublic makes entries public (public true) or private again. Where
// only a bucket-policy statement would work it asks first; where nothing
// works it says why and offers a presigned link. Each public URL is checked
// with an anonymous request before it is copied. The work runs in a child
// of the connection's context, behind a dialog with a progress bar (files
// done of the folder's files) and Cancel: a cancelled Make public puts back
// what it had changed; a cancelled Make private stops where it is (undoing
// it would make files public again) and says how far it got.
func (sh *Sharer) MakePublic(bucket string, entries []storage.Entry, public bool) {
	store, prof := sh.store(), sh.profile()
	parent := sh.connCtx()
	if store == nil || parent == nil {
		widgets.ShowError(sh.win, lang.L("Make public"), errors.New(lang.L("not connected")))
		return
	}
	var targets []string
	for _, e := range entries {
		targets = append(targets, e.Key)
	}
	if len(targets) == 0 {
		return
	}
	title := lang.L("Make public")
	if !public {
		title = lang.L("Make private")
	}
	sh.runPublic(parent, title, targets, func(ctx context.Context, t string, progress func(done, total int64)) publicOutcome {
		if public {
			res, err := store.MakePublic(ctx, bucket, t, share.PublicOptions{Progress: progress})
			return publicOutcome{target: t, res: res, err: err}
		}
		o := publicOutcome{target: t}
		o.priv, o.err = store.MakePrivate(ctx, bucket, t, share.PrivateOptions{Progress: progress})
		if o.err == nil && !strings.HasSuffix(t, "/") {
			o.url, _ = store.PublicURL(bucket, t)
			if _, verr := store.VerifyPublic(ctx, o.url); verr == nil {
				o.still = true
			}
		}
		return o
	}, func(out []publicOutcome) {
		if !public {
			sh.showPrivateOutcome(bucket, out)
			return
		}
		var ask []int
		for i, o := range out {
			if errors.Is(o.err, share.ErrConsentRequired) {
				ask = append(ask, i)
			}
		}
		if len(ask) == 0 {
			sh.finishPublic(parent, bucket, out, store, prof)
			return
		}
		sh.askPolicyConsent(parent, bucket, out, ask, store, prof)
	})
}

// connCtx is the connection's context (nil when not connected). Call on
// the UI goroutine.
func (sh *Sharer) connCtx() context.Context {
	if sh.conn == nil {
		return nil
	}
	return sh.conn()
}

// runPublic runs fn for each target in a goroutine, in a child of parent,
// behind a progress dialog with Cancel, then calls done on the UI
// goroutine. Progress reaches the dialog at most ten times a second; the
// final value always does.
func (sh *Sharer) runPublic(parent context.Context, title string, targets []string,
	fn func(ctx context.Context, target string, progress func(done, total int64)) publicOutcome, done func([]publicOutcome)) {
	ctx, cancel := context.WithCancel(parent)
	p := newPublicProgress(sh, title, len(targets), cancel)
	sh.jobs.Go(func() {
		defer cancel()
		var out []publicOutcome
		for i, t := range targets {
			if ctx.Err() != nil {
				out = append(out, publicOutcome{target: t, err: ctx.Err(), notStarted: true})
				continue
			}
			p.set(i, t, 0, 0)
			out = append(out, fn(ctx, t, func(d, of int64) { p.set(i, t, d, of) }))
		}
		p.stop()
		sh.jobs.Do(func() {
			p.render()
			p.d.Hide()
			done(out)
		})
	})
}

// publicProgress is the Make public / private progress dialog.
type publicProgress struct {
	sh      *Sharer
	d       dialog.Dialog
	label   *widget.Label
	bar     *widget.ProgressBar
	cancel  *widget.Button
	targets int

	mu          sync.Mutex
	idx         int
	name        string
	done, total int64
	redraw      *async.Throttle[struct{}] // renders the newest progress, at most ten times a second
}

// newPublicProgress shows the dialog. Call on the UI goroutine.
func newPublicProgress(sh *Sharer, title string, targets int, cancel context.CancelFunc) *publicProgress {
	p := &publicProgress{sh: sh, targets: targets, label: widget.NewLabel(lang.L("Starting…")), bar: widget.NewProgressBar()}
	p.redraw = async.NewThrottle(async.Every, sh.jobs.Do, func(struct{}) { p.render() })
	p.label.Wrapping = fyne.TextWrapWord
	p.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), nil)
	p.cancel.OnTapped = func() {
		cancel()
		p.cancel.Disable()
		p.label.SetText(lang.L("Stopping… (Make public puts back what it had already changed)"))
	}
	box := container.NewVBox(p.label, p.bar, container.NewHBox(layout.NewSpacer(), p.cancel))
	p.d = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(480, box.MinSize().Height), box), sh.win)
	p.d.Show()
	return p
}

// set records progress; any goroutine may call it.
func (p *publicProgress) set(i int, name string, done, total int64) {
	p.mu.Lock()
	p.idx, p.name, p.done, p.total = i, name, done, total
	p.mu.Unlock()
	p.redraw.Push(struct{}{})
}

// stop shows what is still waiting for its redraw (the caller renders the
// final value after it).
func (p *publicProgress) stop() { p.redraw.Flush() }

// text and value are what the dialog shows for the current progress.
func (p *publicProgress) text() (string, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	what := p.name
	if p.targets > 1 {
		what = fmt.Sprintf("%s (%d of %d)", p.name, p.idx+1, p.targets)
	}
	if p.total > 0 {
		return fmt.Sprintf("%s: %d of %d %s", what, p.done, p.total, widgets.Plural(int(p.total), "file", "files")), float64(p.done) / float64(p.total)
	}
	return what + "…", float64(p.idx) / float64(max(p.targets, 1))
}

// render shows the current progress. Call on the UI goroutine.
func (p *publicProgress) render() {
	t, v := p.text()
	if !p.cancel.Disabled() {
		p.label.SetText(t)
	}
	p.bar.SetValue(v)
}

// askPolicyConsent explains the bucket-policy way and runs it if the user agrees.
func (sh *Sharer) askPolicyConsent(parent context.Context, bucket string, out []publicOutcome, ask []int, store ShareStore, prof string) {
	var pe *share.PublicError
	errors.As(out[ask[0]].err, &pe)
	var list []string
	for _, i := range ask {
		pattern := out[i].target
		if strings.HasSuffix(pattern, "/") {
			pattern += "*"
		}
		list = append(list, "  • "+objectARN(store, bucket, pattern))
	}
	msg := widget.NewLabel(fmt.Sprintf(lang.L("%s\n\nThe statement (Sid %s…) allows anonymous s3:GetObject on:\n%s"), widgets.ErrorText(pe), share.PublicSid(bucket, out[ask[0]].target), strings.Join(list, "\n")))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm(lang.L("Add a bucket-policy statement?"), lang.L("Add statement"), lang.L("Cancel"),
		container.NewGridWrap(fyne.NewSize(520, msg.MinSize().Height*2+40), msg), func(yes bool) {
			if !yes {
				for _, i := range ask {
					out[i].err = &share.PublicError{Bucket: bucket, Target: out[i].target,
						Msg: lang.L("Not made public: you chose not to add a bucket-policy statement. A presigned link shares the file without it.")}
				}
				sh.finishPublic(parent, bucket, out, store, prof)
				return
			}
			var again []string
			for _, i := range ask {
				again = append(again, out[i].target)
			}
			sh.runPublic(parent, lang.L("Make public"), again, func(ctx context.Context, t string, progress func(done, total int64)) publicOutcome {
				res, err := store.MakePublic(ctx, bucket, t, share.PublicOptions{AllowPolicy: true, Progress: progress})
				return publicOutcome{target: t, res: res, err: err}
			}, func(got []publicOutcome) {
				for j, i := range ask {
					out[i] = got[j]
				}
				sh.finishPublic(parent, bucket, out, store, prof)
			})
		}, sh.win)
	c.Show()
}

// finishPublic copies the verified public URLs, records them, and reports
// every failure in plain words with a presigned alternative.
func (sh *Sharer) finishPublic(ctx context.Context, bucket string, out []publicOutcome, store ShareStore, prof string) {
	var urls, lines []string
	var failed []storage.Entry
	var rec []ledger.Link
	for _, o := range out {
		var still *share.StillPublicError
		switch {
		case errors.As(o.err, &still):
			lines = append(lines, fmt.Sprintf(lang.L("⚠ %s: STILL PUBLIC. %s"), o.target, still.Error()))
		case o.notStarted:
			lines = append(lines, fmt.Sprintf(lang.L("✗ %s: not started (cancelled)."), o.target))
		case errors.Is(o.err, context.Canceled):
			lines = append(lines, fmt.Sprintf(lang.L("✗ %s: stopped (cancelled); what had already been changed was put back as it was."), o.target))
		case o.err != nil:
			lines = append(lines, "✗ "+o.target+": "+widgets.ErrorText(o.err))
			if !strings.HasSuffix(o.target, "/") {
				failed = append(failed, storage.Entry{Key: o.target, Name: o.target})
			}
		case o.res.Verified:
			how := lang.L("object ACL public-read")
			if o.res.Method == share.PublicByPolicy {
				how = fmt.Sprintf(lang.L("bucket-policy statement %s"), o.res.Sid)
			}
			lines = append(lines, fmt.Sprintf(lang.L("✓ %s: public (%s); checked: it opens without credentials."), o.target, how))
			if o.res.Note != "" {
				lines = append(lines, "   "+o.res.Note)
			}
			urls = append(urls, o.res.URL)
			rec = append(rec, ledger.Link{Kind: ledger.Public, Profile: prof, Bucket: bucket, Key: o.target, URL: o.res.URL, Created: time.Now()})
		default:
			lines = append(lines, fmt.Sprintf(lang.L("✓ %s: public, but not checked: %s. Its link was not copied."), o.target, o.res.Note))
		}
	}
	box := container.NewVBox()
	text := widget.NewLabel(strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	box.Add(text)
	if len(urls) > 0 {
		joined := strings.Join(urls, "\n")
		sh.clip.SetContent(joined)
		e := widget.NewMultiLineEntry()
		e.SetText(joined)
		e.Wrapping = fyne.TextWrapOff
		e.Disable()
		box.Add(widget.NewLabel(fmt.Sprintf(lang.L("Copied %d public %s to the clipboard."), len(urls), widgets.Plural(len(urls), "link", "links"))))
		box.Add(e)
		sh.jobs.Go(func() {
			for _, l := range rec {
				if n := sh.record(ctx, l); n != "" {
					sh.jobs.Do(func() { box.Add(widget.NewLabel(strings.TrimSpace(n))) })
					break
				}
			}
			if w, err := store.WebsiteURL(ctx, bucket, ""); err == nil && w != "" {
				sh.jobs.Do(func() {
					box.Add(widget.NewLabel(fmt.Sprintf(lang.L("This bucket is also a website: %s"), w)))
				})
			}
		})
	}
	var d *dialog.CustomDialog
	if len(failed) > 0 {
		alt := widget.NewButtonWithIcon(lang.L("Share a presigned link instead…"), theme.MailForwardIcon(), func() {
			d.Hide()
			sh.ShowShare(bucket, failed)
		})
		alt.Importance = widget.HighImportance
		box.Add(alt)
	}
	d = dialog.NewCustom(lang.L("Make public"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height+60), box), sh.win)
	d.Show()
}

func (sh *Sharer) showPrivateOutcome(bucket string, out []publicOutcome) {
	var lines []string
	for _, o := range out {
		switch {
		case o.notStarted:
			lines = append(lines, fmt.Sprintf(lang.L("✗ %s: not started (cancelled)."), o.target))
		case errors.Is(o.err, context.Canceled):
			lines = append(lines, fmt.Sprintf(lang.L("✗ %s: stopped (cancelled) after setting %d %s back to private; the rest are as they were. Make it private again to finish."),
				o.target, o.priv.ACLReset, widgets.Plural(int(o.priv.ACLReset), "ACL", "ACLs")))
		case o.err != nil:
			lines = append(lines, "✗ "+o.target+": "+widgets.ErrorText(o.err))
		case o.still:
			why := lang.L("another grant (a bucket ACL, a policy statement of your own, or a folder made public) still allows anonymous reads")
			if len(o.priv.StillGrantedBy) > 0 {
				why = fmt.Sprintf(lang.L("the statement %s still makes it public; make that folder private"), strings.Join(o.priv.StillGrantedBy, ", "))
			}
			lines = append(lines, fmt.Sprintf(lang.L("⚠ %s: still opens without credentials: %s."), o.target, why))
		default:
			var did []string
			if o.priv.RemovedStatement {
				did = append(did, lang.L("removed its bucket-policy statement"))
			}
			if o.priv.ACLReset > 0 {
				did = append(did, fmt.Sprintf(lang.L("set %d %s back to private"), o.priv.ACLReset, widgets.Plural(int(o.priv.ACLReset), "ACL", "ACLs")))
			}
			msg := fmt.Sprintf(lang.L("✓ %s: private"), o.target)
			if len(did) > 0 {
				msg += " (" + strings.Join(did, "; ") + ")"
			}
			if o.url != "" {
				msg += lang.L("; checked: the public link no longer opens")
			}
			lines = append(lines, msg+".")
		}
	}
	lines = append(lines, "", lang.L("Presigned links already handed out keep working until they expire."))
	l := widget.NewLabel(strings.Join(lines, "\n"))
	l.Wrapping = fyne.TextWrapWord
	dialog.NewCustom(lang.L("Make private"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(560, l.MinSize().Height+60), l), sh.win).Show()
}
