package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
	"s3desk/storage/ledger"
)

// publicOutcome is what happened to one file or folder.
type publicOutcome struct {
	target string
	res    storage.PublicResult
	priv   storage.PrivateResult
	url    string
	err    error
	still  bool // Make private: the URL still opens anonymously
}

// MakePublic makes entries public (public true) or private again. Where
// only a bucket-policy statement would work it asks first; where nothing
// works it says why and offers a presigned link. Each public URL is checked
// with an anonymous request before it is copied.
func (sh *Sharer) MakePublic(bucket string, entries []storage.Entry, public bool) {
	store, prof := sh.store(), sh.profile()
	if store == nil {
		showError(sh.win, "Make public", errors.New("not connected"))
		return
	}
	var targets []string
	for _, e := range entries {
		targets = append(targets, e.Key)
	}
	if len(targets) == 0 {
		return
	}
	title := "Make public"
	if !public {
		title = "Make private"
	}
	prog := dialog.NewCustomWithoutButtons(title, widget.NewProgressBarInfinite(), sh.win)
	prog.Show()
	sh.jobs.goRun(func() {
		ctx := context.Background()
		var out []publicOutcome
		for _, t := range targets {
			if public {
				res, err := store.MakePublic(ctx, bucket, t, storage.PublicOptions{})
				out = append(out, publicOutcome{target: t, res: res, err: err})
				continue
			}
			o := publicOutcome{target: t}
			o.priv, o.err = store.MakePrivate(ctx, bucket, t, storage.PrivateOptions{})
			if o.err == nil && !strings.HasSuffix(t, "/") {
				o.url, _ = store.PublicURL(bucket, t)
				if _, verr := store.VerifyPublic(ctx, o.url); verr == nil {
					o.still = true
				}
			}
			out = append(out, o)
		}
		sh.jobs.do(func() {
			prog.Hide()
			if !public {
				sh.showPrivateOutcome(bucket, out)
				return
			}
			var ask []int
			for i, o := range out {
				if errors.Is(o.err, storage.ErrConsentRequired) {
					ask = append(ask, i)
				}
			}
			if len(ask) == 0 {
				sh.finishPublic(bucket, out, store, prof)
				return
			}
			sh.askPolicyConsent(bucket, out, ask, store, prof)
		})
	})
}

// askPolicyConsent explains the bucket-policy way and runs it if the user agrees.
func (sh *Sharer) askPolicyConsent(bucket string, out []publicOutcome, ask []int, store ShareStore, prof string) {
	var pe *storage.PublicError
	errors.As(out[ask[0]].err, &pe)
	var list []string
	for _, i := range ask {
		res := "arn:aws:s3:::" + bucket + "/" + out[i].target
		if strings.HasSuffix(out[i].target, "/") {
			res += "*"
		}
		list = append(list, "  • "+res)
	}
	msg := widget.NewLabel(errorText(pe) + "\n\nThe statement (Sid " + storage.PublicSid(bucket, out[ask[0]].target) +
		"…) allows anonymous s3:GetObject on:\n" + strings.Join(list, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Add a bucket-policy statement?", "Add statement", "Cancel",
		container.NewGridWrap(fyne.NewSize(520, msg.MinSize().Height*2+40), msg), func(yes bool) {
			if !yes {
				for _, i := range ask {
					out[i].err = &storage.PublicError{Bucket: bucket, Target: out[i].target,
						Msg: "Not made public: you chose not to add a bucket-policy statement. A presigned link shares the file without it."}
				}
				sh.finishPublic(bucket, out, store, prof)
				return
			}
			sh.jobs.goRun(func() {
				for _, i := range ask {
					out[i].res, out[i].err = store.MakePublic(context.Background(), bucket, out[i].target, storage.PublicOptions{AllowPolicy: true})
				}
				sh.jobs.do(func() { sh.finishPublic(bucket, out, store, prof) })
			})
		}, sh.win)
	c.Show()
}

// finishPublic copies the verified public URLs, records them, and reports
// every failure in plain words with a presigned alternative.
func (sh *Sharer) finishPublic(bucket string, out []publicOutcome, store ShareStore, prof string) {
	var urls, lines []string
	var failed []storage.Entry
	var rec []ledger.Link
	for _, o := range out {
		switch {
		case o.err != nil:
			lines = append(lines, "✗ "+o.target+": "+errorText(o.err))
			if !strings.HasSuffix(o.target, "/") {
				failed = append(failed, storage.Entry{Key: o.target, Name: o.target})
			}
		case o.res.Verified:
			how := "object ACL public-read"
			if o.res.Method == storage.PublicByPolicy {
				how = "bucket-policy statement " + o.res.Sid
			}
			lines = append(lines, "✓ "+o.target+": public ("+how+"); checked: it opens without credentials.")
			if o.res.Note != "" {
				lines = append(lines, "   "+o.res.Note)
			}
			urls = append(urls, o.res.URL)
			rec = append(rec, ledger.Link{Kind: ledger.Public, Profile: prof, Bucket: bucket, Key: o.target, URL: o.res.URL, Created: time.Now()})
		default:
			lines = append(lines, "✓ "+o.target+": public, but not checked: "+o.res.Note+". Its link was not copied.")
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
		box.Add(widget.NewLabel(fmt.Sprintf("Copied %d public %s to the clipboard.", len(urls), plural(len(urls), "link", "links"))))
		box.Add(e)
		sh.jobs.goRun(func() {
			ctx := context.Background()
			for _, l := range rec {
				if n := sh.record(ctx, l); n != "" {
					sh.jobs.do(func() { box.Add(widget.NewLabel(strings.TrimSpace(n))) })
					break
				}
			}
			if w, err := store.WebsiteURL(ctx, bucket, ""); err == nil && w != "" {
				sh.jobs.do(func() {
					box.Add(widget.NewLabel("This bucket is also a website: " + w))
				})
			}
		})
	}
	var d *dialog.CustomDialog
	if len(failed) > 0 {
		alt := widget.NewButtonWithIcon("Share a presigned link instead…", theme.MailForwardIcon(), func() {
			d.Hide()
			sh.ShowShare(bucket, failed)
		})
		alt.Importance = widget.HighImportance
		box.Add(alt)
	}
	d = dialog.NewCustom("Make public", "Close", container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height+60), box), sh.win)
	d.Show()
}

func (sh *Sharer) showPrivateOutcome(bucket string, out []publicOutcome) {
	var lines []string
	for _, o := range out {
		switch {
		case o.err != nil:
			lines = append(lines, "✗ "+o.target+": "+errorText(o.err))
		case o.still:
			why := "another grant (a bucket ACL, a policy statement of your own, or a folder made public) still allows anonymous reads"
			if len(o.priv.StillGrantedBy) > 0 {
				why = "the statement " + strings.Join(o.priv.StillGrantedBy, ", ") + " still makes it public; make that folder private"
			}
			lines = append(lines, "⚠ "+o.target+": still opens without credentials: "+why+".")
		default:
			var did []string
			if o.priv.RemovedStatement {
				did = append(did, "removed its bucket-policy statement")
			}
			if o.priv.ACLReset > 0 {
				did = append(did, fmt.Sprintf("set %d %s back to private", o.priv.ACLReset, plural(int(o.priv.ACLReset), "ACL", "ACLs")))
			}
			msg := "✓ " + o.target + ": private"
			if len(did) > 0 {
				msg += " (" + strings.Join(did, "; ") + ")"
			}
			if o.url != "" {
				msg += "; checked: the public link no longer opens"
			}
			lines = append(lines, msg+".")
		}
	}
	lines = append(lines, "", "Presigned links already handed out keep working until they expire.")
	l := widget.NewLabel(strings.Join(lines, "\n"))
	l.Wrapping = fyne.TextWrapWord
	dialog.NewCustom("Make private", "Close", container.NewGridWrap(fyne.NewSize(560, l.MinSize().Height+60), l), sh.win).Show()
}
