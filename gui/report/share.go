package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/report"
	"s3desk/storage/share"
)

// Access choices of the Share step.
const (
	accessPublic    = "Public: anyone with the address can open the report (no expiry)"
	accessPresigned = "Private: presigned links that work for 7 days; the files stay private"
)

// presignedExpiry is how long presigned report links work (the SigV4 limit).
const presignedExpiry = 7 * 24 * time.Hour

// shareStep is step 5: make the report reachable, check it, and hand out
// its address.
type shareStep struct {
	w        *Wizard
	access   *widget.RadioGroup
	shareBtn *widget.Button
	result   *widget.Label
	url      *widget.Entry
	copyBtn  *widget.Button
	openBtn  *widget.Button
	siteBtn  *widget.Button
	address  string // the address shown (website, public or presigned)
	shared   *report.SharedReport
	// consented: the user agreed to a bucket-policy statement (saved with
	// the report, so next month's run does not ask again).
	consented bool
}

func (s *shareStep) build(w *Wizard) fyne.CanvasObject {
	s.w = w
	s.access = widget.NewRadioGroup([]string{accessPublic, accessPresigned}, nil)
	s.access.Required = true
	s.access.SetSelected(accessPublic)
	s.shareBtn = widget.NewButtonWithIcon(lang.L("Share"), theme.MailForwardIcon(), s.doShare)
	s.shareBtn.Importance = widget.HighImportance
	s.result = widget.NewLabel(lang.L("Publish the report first (step 4)."))
	s.result.Wrapping = fyne.TextWrapWord
	s.url = widget.NewEntry()
	s.url.OnChanged = func(t string) {
		if t != s.address {
			s.url.SetText(s.address) // read-only, but selectable
		}
	}
	s.copyBtn = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(s.address)
		w.say(fmt.Sprintf(lang.L("Copied %s"), s.address), false)
	})
	s.openBtn = widget.NewButtonWithIcon(lang.L("Open in browser"), theme.ComputerIcon(), func() { w.openURL(s.address) })
	s.siteBtn = widget.NewButtonWithIcon(lang.L("Turn on website hosting"), theme.ComputerIcon(), s.enableSite)
	s.reset()
	intro := widget.NewLabel(lang.L("Public uses the way this service allows: object ACLs, or (if you agree) a bucket-policy statement for the report's folder. S3 Desk then opens the index page without credentials to check it works."))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, s.access, container.NewHBox(s.shareBtn), s.result, container.NewHBox(s.siteBtn),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.copyBtn, s.openBtn), s.url))
}

// reset forgets an earlier share (a new publish happened).
func (s *shareStep) reset() {
	s.shared, s.address = nil, ""
	s.url.SetText("")
	s.url.Hide()
	s.copyBtn.Hide()
	s.openBtn.Hide()
	s.siteBtn.Hide()
	if s.w.publish.done != nil {
		s.result.SetText(lang.L("Choose who may open the report, then press Share."))
		s.shareBtn.Enable()
	} else {
		s.shareBtn.Disable()
	}
	if a := s.w.auto; a != nil {
		if a.Public {
			s.access.SetSelected(accessPublic)
		} else {
			s.access.SetSelected(accessPresigned)
		}
	}
}

// doShare makes the report reachable as chosen.
func (s *shareStep) doShare() {
	w := s.w
	m := w.publish.done
	if m == nil {
		return
	}
	pub := *m
	presigned := s.access.Selected == accessPresigned
	allowPolicy := s.consented || (w.auto != nil && w.auto.AllowPolicy)
	ctx, gen := w.run.Renew(w.jobs.Ctx())
	s.shareBtn.Disable()
	if presigned {
		s.result.SetText(lang.L("Writing presigned links into the index page…"))
	} else {
		s.result.SetText(fmt.Sprintf(lang.L("Making %s public…"), pub.Prefix))
	}
	w.jobs.Go(func() {
		var res report.SharedReport
		var err error
		if presigned {
			res, err = w.store.ShareMonthlyPresigned(ctx, pub, presignedExpiry)
		} else {
			res, err = w.store.ShareMonthly(ctx, pub, allowPolicy)
		}
		site, can := "", false
		if err == nil && !presigned {
			site, can = s.websiteAddress(ctx, pub)
		}
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				return
			}
			if errors.Is(err, share.ErrConsentRequired) {
				s.askConsent(pub, err)
				return
			}
			s.done(res, site, can, err)
		})
	})
}

// websiteAddress is the index page's static-website address, when the
// bucket has website hosting; "" otherwise. canHost says the provider
// serves websites, so hosting could be turned on. Call off the UI
// goroutine.
func (s *shareStep) websiteAddress(ctx context.Context, m report.MonthlyReport) (addr string, canHost bool) {
	root, on, err := s.w.store.SiteAddress(ctx, m.Bucket)
	if err != nil || root == "" {
		return "", false
	}
	if !on {
		return "", true
	}
	return strings.TrimSuffix(root, "/") + "/" + storage.EscapeKey(m.Index.Key), true
}

// enableSite turns website hosting on for the report's bucket and shows
// the website address.
func (s *shareStep) enableSite() {
	w := s.w
	m := w.publish.done
	if m == nil || s.shared == nil {
		return
	}
	pub, res := *m, *s.shared
	ctx, gen := w.run.Renew(w.jobs.Ctx())
	s.siteBtn.Disable()
	s.result.SetText(fmt.Sprintf(lang.L("Turning on website hosting for %s…"), pub.Bucket))
	w.jobs.Go(func() {
		err := w.store.EnableSite(ctx, pub.Bucket)
		site, can := "", false
		if err == nil {
			site, can = s.websiteAddress(ctx, pub)
		}
		w.jobs.Do(func() {
			if !w.run.Current(gen) || w.closed {
				return
			}
			if err != nil {
				s.siteBtn.Enable()
				s.result.SetText(fmt.Sprintf(lang.L("Could not turn on website hosting: %s\nThe public address below works all the same."), widgets.ErrorText(err)))
				return
			}
			s.done(res, site, can, nil)
		})
	})
}

// askConsent asks before adding a bucket-policy statement; without it the
// report is shared with presigned links.
func (s *shareStep) askConsent(m report.MonthlyReport, cause error) {
	w := s.w
	msg := widget.NewLabel(fmt.Sprintf(lang.L("Object ACLs do not work here, so S3 Desk can make the report public with a bucket-policy statement instead. It lets anyone read the files under %s in %s (anonymous s3:GetObject), and nothing else; this report remembers your answer for its next months. Without it, the report is shared with presigned links that work for 7 days.\n\nWhy not ACLs: %s"), m.Prefix, m.Bucket, widgets.ErrorText(cause)))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Add a bucket-policy statement?"), lang.L("Add statement"), lang.L("Use presigned links"),
		container.NewGridWrap(fyne.NewSize(540, 200), msg), func(yes bool) {
			ctx, gen := w.run.Renew(w.jobs.Ctx())
			s.consented = s.consented || yes
			s.result.SetText(lang.L("Sharing…"))
			w.jobs.Go(func() {
				var res report.SharedReport
				var err error
				site, can := "", false
				if yes {
					res, err = w.store.ShareMonthly(ctx, m, true)
					if err == nil {
						site, can = s.websiteAddress(ctx, m)
					}
				} else {
					res, err = w.store.ShareMonthlyPresigned(ctx, m, presignedExpiry)
				}
				w.jobs.Do(func() {
					if !w.run.Current(gen) || w.closed {
						return
					}
					if !yes {
						s.access.SetSelected(accessPresigned)
					}
					s.done(res, site, can, err)
				})
			})
		}, w.win)
	d.Show()
}

// done shows the outcome and the address to hand out.
func (s *shareStep) done(res report.SharedReport, site string, canHost bool, err error) {
	w := s.w
	s.shareBtn.Enable()
	s.siteBtn.Hide()
	if err != nil {
		s.result.SetText(fmt.Sprintf(lang.L("Not shared: %s\nYou can choose presigned links and press Share again."), widgets.ErrorText(err)))
		w.stopAuto(widgets.ErrorText(err))
		return
	}
	s.shared = &res
	s.address = res.URL
	var text string
	switch {
	case !res.Expires.IsZero():
		text = fmt.Sprintf(lang.L("✓ Shared with presigned links. This address (and the links on the page) work until %s."), res.Expires.Local().Format("2 Jan 2006 15:04"))
	case site != "":
		s.address = site
		text = fmt.Sprintf(lang.L("✓ Public, checked: the index page opens without credentials. The bucket has website hosting, so this is its website address (public object URL: %s)."), res.URL)
	default:
		how := "object ACLs"
		if res.Public.Method == share.PublicByPolicy {
			how = "a bucket-policy statement for the folder"
		}
		text = fmt.Sprintf(lang.L("✓ Public through %s, checked: the index page opens without credentials. This is its address:"), how)
		if canHost {
			text += "\n(The bucket has no website hosting; turn it on to get a website address as well.)"
			s.siteBtn.Show()
			s.siteBtn.Enable()
		}
	}
	s.result.SetText(text)
	s.url.SetText(s.address)
	s.url.Show()
	s.copyBtn.Show()
	s.openBtn.Show()
	w.say(fmt.Sprintf(lang.L("The report is ready: %s"), s.address), false)
	if w.auto != nil {
		w.auto = nil // the saved report ran to the end
		w.saved.ranToEnd()
	}
	w.refreshNav()
}
