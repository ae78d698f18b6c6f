package sharing

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/ledger"
)

// linksHonestNote is shown above the Links list, as lang.L(linksHonestNote) (i18n:keys).
const linksHonestNote = "A presigned link cannot be revoked: it works until it expires, unless you delete the object or rotate (deactivate) the access key that signed it. Forgetting a link here does not stop it. Public links work until you make the file private."

// LinksView lists every copied link with its expiry countdown, "Copy again"
// while it still works, and expired ones marked.
type LinksView struct {
	sh     *Sharer
	links  []ledger.Link
	now    func() time.Time
	list   *widget.List
	status *widget.Label
	empty  *widget.Label
	box    *fyne.Container
	load   async.Gen
	stop   chan struct{}
}

// NewLinksView builds the view and loads the ledger in the background.
func (sh *Sharer) NewLinksView() *LinksView {
	v := &LinksView{sh: sh, now: time.Now}
	note := widget.NewLabel(lang.L(linksHonestNote))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.WarningImportance
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.empty = widget.NewLabel(lang.L("No links yet. Links you copy from Share, Make public or Publish index page appear here."))
	v.empty.Wrapping = fyne.TextWrapWord
	v.empty.Hide()
	v.list = widget.NewList(func() int { return len(v.links) }, v.newRow, v.updateRow)
	purge := widget.NewButtonWithIcon(lang.L("Forget expired"), theme.DeleteIcon(), v.forgetExpired)
	reload := widget.NewButtonWithIcon(lang.L("Reload"), theme.ViewRefreshIcon(), v.Reload)
	top := container.NewVBox(note, container.NewHBox(reload, purge, layout.NewSpacer()), v.status, v.empty)
	v.box = container.NewBorder(top, nil, nil, nil, v.list)
	v.Reload()
	return v
}

// CanvasObject is the view's content.
func (v *LinksView) CanvasObject() fyne.CanvasObject { return v.box }

// Reload reads the ledger again.
func (v *LinksView) Reload() {
	ctx, gen := v.load.Renew(v.sh.jobs.Life())
	v.sh.jobs.Go(func() {
		var links []ledger.Link
		led, err := v.sh.ledger()
		if err == nil {
			links, err = led.List(ctx)
		}
		v.sh.jobs.Do(func() {
			if !v.load.Current(gen) {
				return
			}
			if err != nil {
				v.status.SetText(fmt.Sprintf(lang.L("Could not read the links: %s"), widgets.ErrorText(err)))
				return
			}
			v.links = links
			if len(links) == 0 {
				v.empty.Show()
			} else {
				v.empty.Hide()
			}
			v.list.Refresh()
		})
	})
}

// StartCountdown refreshes the countdowns every interval until StopCountdown.
func (v *LinksView) StartCountdown(interval time.Duration) {
	if v.stop != nil {
		return
	}
	stop := make(chan struct{})
	v.stop = stop
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				v.sh.jobs.Do(func() {
					if v.stop == stop {
						v.list.Refresh()
					}
				})
			}
		}
	}()
}

// StopCountdown ends the countdown refreshes.
func (v *LinksView) StopCountdown() {
	if v.stop != nil {
		close(v.stop)
		v.stop = nil
	}
	v.load.Stop()
}

func (v *LinksView) newRow() fyne.CanvasObject {
	kind := widget.NewLabel(lang.L("presigned"))
	kind.TextStyle = fyne.TextStyle{Bold: true}
	title := widget.NewLabel(lang.L("bucket/key"))
	title.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel(lang.L("state"))
	detail.Truncation = fyne.TextTruncateEllipsis
	again := widget.NewButtonWithIcon(lang.L("Copy again"), theme.ContentCopyIcon(), nil)
	forget := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	return container.NewBorder(nil, nil, kind, container.NewHBox(again, forget), container.NewVBox(title, detail))
}

// linkState is the row's state text: countdown, expired, or no expiry.
func linkState(l ledger.Link, now time.Time) string {
	switch l.State(now) {
	case ledger.Expired:
		return fmt.Sprintf(lang.L("EXPIRED %s"), untilText(l.Expires.Sub(now)))
	case ledger.Permanent:
		return lang.L("no expiry (until made private)")
	}
	return fmt.Sprintf(lang.L("expires %s · %s"), untilText(l.Expires.Sub(now)), l.Expires.Local().Format(lang.X("format.datetime.short", "Mon 2 Jan 15:04")))
}

func (v *LinksView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.links) {
		return
	}
	l := v.links[i]
	now := v.now()
	row := o.(*fyne.Container)
	center := row.Objects[0].(*fyne.Container)
	kind := row.Objects[1].(*widget.Label)
	buttons := row.Objects[2].(*fyne.Container)
	title := center.Objects[0].(*widget.Label)
	detail := center.Objects[1].(*widget.Label)
	again := buttons.Objects[0].(*widget.Button)
	forget := buttons.Objects[1].(*widget.Button)

	kind.SetText(kindText(l.Kind))
	title.SetText(l.Bucket + "/" + l.Key)
	d := linkState(l, now)
	if l.Note != "" {
		d += " · " + noteText(l.Note)
	}
	if l.Why != "" && l.State(now) == ledger.Valid {
		d += lang.L(" · early because of temporary credentials")
	}
	if l.NeedsSession() {
		d += lang.L(" · needs the session that made it")
	}
	detail.SetText(d)
	if l.State(now) == ledger.Expired {
		detail.Importance = widget.DangerImportance
		again.Disable()
	} else {
		detail.Importance = widget.MediumImportance
		again.Enable()
	}
	detail.Refresh()
	again.OnTapped = func() {
		if l.State(v.now()) == ledger.Expired {
			v.status.SetText(lang.L("This link has expired; make a new one with Share."))
			return
		}
		if l.NeedsSession() {
			v.copyWithSession(l)
			return
		}
		v.sh.clip.SetContent(l.URL)
		v.status.SetText(fmt.Sprintf(lang.L("✓ Copied the %s link to %s/%s again."), kindText(l.Kind), l.Bucket, l.Key))
	}
	forget.OnTapped = func() { v.forget(l) }
}

// sessionCreds is what copying a session-bound link again needs from the
// connected service (*share.Service has it).
type sessionCreds interface {
	Credentials(ctx context.Context) (aws.Credentials, error)
}

// copyWithSession copies a link signed with temporary credentials: the
// ledger keeps it without its session token, so it can be completed only
// while the app still holds that session; otherwise it says so plainly.
func (v *LinksView) copyWithSession(l ledger.Link) {
	ctx := v.sh.connCtx()
	creds, ok := v.sh.store().(sessionCreds)
	if ctx == nil || !ok {
		v.status.SetText(fmt.Sprintf(lang.L("This link was signed with temporary credentials; connect to the profile that made it (%s) to copy it again, or share the file again."), l.Profile))
		return
	}
	v.sh.jobs.Go(func() {
		var u string
		c, err := creds.Credentials(ctx)
		if err == nil {
			u, err = l.WithSession(c.SessionToken)
		}
		v.sh.jobs.Do(func() {
			if err != nil {
				v.status.SetText(shareSentence(widgets.ErrorText(err)))
				return
			}
			v.sh.clip.SetContent(u)
			v.status.SetText(fmt.Sprintf(lang.L("✓ Copied the %s link to %s/%s again (completed with the current session's token, which is not kept on disk)."), kindText(l.Kind), l.Bucket, l.Key))
		})
	})
}

func (v *LinksView) forget(l ledger.Link) {
	v.sh.jobs.Go(func() {
		led, err := v.sh.ledger()
		if err == nil {
			err = led.Remove(v.sh.jobs.Life(), l.ID)
		}
		v.sh.jobs.Do(func() {
			if err != nil {
				v.status.SetText(widgets.ErrorText(err))
				return
			}
			msg := fmt.Sprintf(lang.L("Forgot the link to %s/%s."), l.Bucket, l.Key)
			if l.Kind != ledger.Public && l.State(v.now()) == ledger.Valid {
				msg += lang.L(" It still works until it expires.")
			}
			v.status.SetText(msg)
			v.Reload()
		})
	})
}

func (v *LinksView) forgetExpired() {
	now := v.now()
	v.sh.jobs.Go(func() {
		led, err := v.sh.ledger()
		n := 0
		if err == nil {
			n, err = led.RemoveExpired(v.sh.jobs.Life(), now)
		}
		v.sh.jobs.Do(func() {
			if err != nil {
				v.status.SetText(widgets.ErrorText(err))
				return
			}
			v.status.SetText(fmt.Sprintf(lang.L("Forgot %d expired %s."), n, widgets.Plural(n, "link", "links")))
			v.Reload()
		})
	})
}

// ShowLinks opens the Links view in a dialog; its countdown stops on close.
func (sh *Sharer) ShowLinks() *LinksView {
	v := sh.NewLinksView()
	v.StartCountdown(time.Second)
	d := dialog.NewCustom(lang.L("Links"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(760, 480), v.CanvasObject()), sh.win)
	d.SetOnClosed(v.StopCountdown)
	d.Show()
	return v
}

// kindText is a link kind as shown (the ledger stores the English word).
func kindText(k ledger.Kind) string {
	switch k {
	case ledger.Presigned:
		return lang.L("presigned")
	case ledger.Upload:
		return lang.L("upload")
	case ledger.Public:
		return lang.L("public")
	case ledger.Website:
		return lang.L("website")
	case ledger.IndexPage:
		return lang.L("index")
	}
	return string(k)
}

// noteText is a link's note as shown: the notes S3 Desk writes itself are
// translated, the user's own are shown as typed.
func noteText(n string) string {
	switch n {
	case "index page":
		return lang.L("index page")
	case "index page (website)":
		return lang.L("index page (website)")
	}
	return n
}
