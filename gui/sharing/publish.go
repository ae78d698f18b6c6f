package sharing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/ledger"
	"s3desk/storage/report"
	"s3desk/storage/share"
)

// Link choices of the Publish dialog, shown as lang.L(choice) (i18n:keys).
const (
	publishPresigned = "Presigned links (work for a limited time; files stay private)"
	publishPublic    = "Public links (no expiry; the folder is made public)"
)

// PublishDialog generates index.html for a prefix, shows a preview, then
// publishes it and copies the page's address.
type PublishDialog struct {
	sh      *Sharer
	store   ShareStore // the service when the dialog opened
	profile string
	bucket  string
	prefix  string
	page    report.IndexPage
	load    async.Gen

	links   *widget.RadioGroup
	expiry  *widget.Select
	title   *widget.Entry
	summary *widget.Label
	items   *widget.List
	source  *widget.Entry
	preview *widget.Button
	publish *widget.Button
	result  *widget.Label
	url     *widget.Entry
	dlg     *dialog.CustomDialog
}

// ShowPublish opens the Publish index page dialog for bucket/prefix.
func (sh *Sharer) ShowPublish(bucket, prefix string) *PublishDialog {
	d := &PublishDialog{sh: sh, store: sh.store(), profile: sh.profile(), bucket: bucket, prefix: prefix}
	d.title = widget.NewEntry()
	d.title.SetPlaceHolder(fmt.Sprintf(lang.L("Files in %s/%s"), bucket, prefix))
	var labels []string
	for _, p := range fixedExpiries() {
		labels = append(labels, p.label)
	}
	d.expiry = widget.NewSelect(labels, func(string) { d.stale() })
	d.expiry.SetSelected(labels[1])
	d.links = widget.NewRadioGroup([]string{lang.L(publishPresigned), lang.L(publishPublic)}, func(s string) {
		if s == lang.L(publishPublic) {
			d.expiry.Disable()
		} else {
			d.expiry.Enable()
		}
		d.stale()
	})
	d.links.Required = true
	d.links.SetSelected(lang.L(publishPresigned))
	d.summary = widget.NewLabel(lang.L("Press Preview to see the page before it is published."))
	d.summary.Wrapping = fyne.TextWrapWord
	d.items = widget.NewList(func() int { return len(d.page.Items) },
		func() fyne.CanvasObject { return widget.NewLabel(lang.L("name")) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(d.page.Items) {
				it := d.page.Items[i]
				o.(*widget.Label).SetText(fmt.Sprintf(lang.L("%s   %d bytes   %s"), it.Name, it.Size, it.LastModified.Local().Format("2006-01-02 15:04")))
			}
		})
	d.source = widget.NewMultiLineEntry()
	d.source.Wrapping = fyne.TextWrapOff // wrapping long HTML lines is slow
	d.source.Disable()
	d.result = widget.NewLabel("")
	d.result.Wrapping = fyne.TextWrapWord
	d.url = widget.NewEntry()
	d.url.Disable()
	d.url.Hide()
	d.preview = widget.NewButtonWithIcon(lang.L("Preview"), theme.VisibilityIcon(), d.build)
	d.publish = widget.NewButtonWithIcon(lang.L("Publish and copy link"), theme.UploadIcon(), d.doPublish)
	d.publish.Importance = widget.HighImportance
	d.publish.Disable()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Page"), widget.NewLabel(fmt.Sprintf(lang.L("%s in %s"), report.IndexKey(prefix), bucket))),
		widget.NewFormItem(lang.L("Title"), d.title),
		widget.NewFormItem(lang.L("Links"), d.links),
		widget.NewFormItem(lang.L("Links expire after"), d.expiry),
	)
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Files on the page"), d.items),
		container.NewTabItem("HTML", d.source),
	)
	top := container.NewVBox(form, container.NewHBox(d.preview, d.publish), d.summary)
	bottom := container.NewVBox(d.result, d.url)
	content := container.NewBorder(top, bottom, nil, nil, tabs)
	d.dlg = dialog.NewCustom(lang.L("Publish index page"), lang.L("Close"), container.NewGridWrap(fyne.NewSize(720, 560), content), sh.win)
	d.dlg.SetOnClosed(d.load.Stop)
	d.dlg.Show()
	return d
}

// stale marks the preview out of date after an option changed.
func (d *PublishDialog) stale() {
	if d.publish == nil {
		return
	}
	d.publish.Disable()
	if len(d.page.HTML) > 0 {
		d.summary.SetText(lang.L("Options changed: press Preview again."))
	}
}

func (d *PublishDialog) options() (report.IndexOptions, error) {
	o := report.IndexOptions{Prefix: d.prefix, Title: d.title.Text, Links: report.IndexPresignedLinks}
	if d.links.Selected == lang.L(publishPublic) {
		if d.prefix == "" {
			return o, errors.New(lang.L("public links need a folder: at the bucket root they would make the whole bucket public. Choose presigned links, or publish a folder"))
		}
		o.Links = report.IndexPublicLinks
		return o, nil
	}
	for _, p := range expiryPresets() {
		if p.label == d.expiry.Selected {
			o.Expiry = p.d
		}
	}
	return o, nil
}

// build generates the page for the preview.
func (d *PublishDialog) build() {
	store := d.store
	opts, err := d.options()
	if store == nil {
		err = errors.New(lang.L("not connected"))
	}
	if err != nil {
		d.summary.SetText(widgets.ErrorText(err))
		return
	}
	ctx, gen := d.load.Renew(d.sh.jobs.Ctx())
	d.summary.SetText(lang.L("Listing the folder…"))
	d.publish.Disable()
	bucket := d.bucket
	d.sh.jobs.Go(func() {
		page, err := store.BuildIndex(ctx, bucket, opts)
		d.sh.jobs.Do(func() {
			if !d.load.Current(gen) {
				return
			}
			if err != nil {
				d.summary.SetText(widgets.ErrorText(err))
				return
			}
			d.page = page
			s := fmt.Sprintf(lang.L("%d %s on the page."), len(page.Items), widgets.Plural(len(page.Items), "file", "files"))
			if page.Links == report.IndexPresignedLinks {
				s += fmt.Sprintf(lang.L(" The links stop working %s; the page says so."), whenText(page.LinksExpire, time.Now()))
				if page.LinksWhy != "" {
					s += " " + page.LinksWhy
				}
			} else {
				s += fmt.Sprintf(lang.L(" Publishing makes the folder %s public (its files and the page)."), page.Prefix)
			}
			d.summary.SetText(s)
			src := string(page.HTML)
			if len(src) > 64<<10 {
				src = fmt.Sprintf(lang.L("%s\n… (the rest is not shown here, but is published)"), src[:64<<10])
			}
			d.source.SetText(src)
			d.items.Refresh()
			d.publish.Enable()
		})
	})
}

// doPublish uploads the page, makes it reachable, checks it and copies its URL.
func (d *PublishDialog) doPublish() {
	store := d.store
	if store == nil || len(d.page.HTML) == 0 {
		return
	}
	page := d.page
	d.publish.Disable()
	d.result.SetText(lang.L("Publishing…"))
	ctx, gen := d.load.Renew(d.sh.jobs.Ctx())
	d.sh.jobs.Go(func() {
		pub, err := store.PublishIndex(ctx, page, report.PublishOptions{})
		if err != nil {
			d.sh.jobs.Do(func() { d.finish(gen, "", time.Time{}, err) })
			return
		}
		if page.Links == report.IndexPresignedLinks {
			l, err := store.PresignGet(ctx, page.Bucket, page.Key, share.ShareOptions{Expiry: time.Until(page.LinksExpire).Truncate(time.Second)})
			if err == nil {
				d.sh.record(ctx, ledger.Link{Kind: ledger.IndexPage, Profile: d.profile, Bucket: page.Bucket, Key: page.Key, URL: l.URL,
					Created: l.Created, Expires: l.Expires, Why: l.Why, Note: "index page"})
			}
			d.sh.jobs.Do(func() { d.finish(gen, l.URL, l.Expires, err) })
			return
		}
		res, err := store.MakePublic(ctx, page.Bucket, page.Prefix, share.PublicOptions{})
		if errors.Is(err, share.ErrConsentRequired) {
			d.sh.jobs.Do(func() { d.askConsent(gen, page, pub, err) })
			return
		}
		d.publicDone(ctx, gen, page, pub, res, err)
	})
}

func (d *PublishDialog) askConsent(gen int, page report.IndexPage, pub report.PublishedIndex, cause error) {
	if !d.load.Current(gen) {
		return
	}
	msg := widget.NewLabel(fmt.Sprintf(lang.L("%s\n\nThe statement allows anonymous s3:GetObject on %s"), widgets.ErrorText(cause), objectARN(d.sh.store(), page.Bucket, page.Prefix+"*")))
	msg.Wrapping = fyne.TextWrapWord
	dialog.NewCustomConfirm(lang.L("Add a bucket-policy statement?"), lang.L("Add statement"), lang.L("Cancel"),
		container.NewGridWrap(fyne.NewSize(520, msg.MinSize().Height*2+40), msg), func(yes bool) {
			if !yes {
				d.finish(gen, "", time.Time{}, errors.New(lang.L("the page was uploaded but is not public: you chose not to add a bucket-policy statement. Choose presigned links to share it privately")))
				return
			}
			ctx := d.sh.jobs.Ctx()
			d.sh.jobs.Go(func() {
				res, err := d.store.MakePublic(ctx, page.Bucket, page.Prefix, share.PublicOptions{AllowPolicy: true})
				d.publicDone(ctx, gen, page, pub, res, err)
			})
		}, d.sh.win).Show()
}

// publicDone checks the public page anonymously before copying its URL.
// Call off the UI goroutine.
func (d *PublishDialog) publicDone(ctx context.Context, gen int, page report.IndexPage, pub report.PublishedIndex, _ share.PublicResult, err error) {
	if err == nil {
		_, err = d.store.VerifyPublic(ctx, pub.URL)
	}
	if err == nil {
		d.sh.record(ctx, ledger.Link{Kind: ledger.IndexPage, Profile: d.profile, Bucket: page.Bucket, Key: page.Key, URL: pub.URL, Created: time.Now(), Note: "index page"})
		if pub.WebsiteURL != "" {
			d.sh.record(ctx, ledger.Link{Kind: ledger.Website, Profile: d.profile, Bucket: page.Bucket, Key: page.Key, URL: pub.WebsiteURL, Created: time.Now(), Note: "index page (website)"})
		}
	}
	d.sh.jobs.Do(func() {
		d.finish(gen, pub.URL, time.Time{}, err)
		if err == nil && pub.WebsiteURL != "" {
			d.result.SetText(fmt.Sprintf(lang.L("%s\nWebsite address: %s"), d.result.Text, pub.WebsiteURL))
		}
	})
}

func (d *PublishDialog) finish(gen int, url string, expires time.Time, err error) {
	if !d.load.Current(gen) {
		return
	}
	d.publish.Enable()
	if err != nil {
		d.result.SetText(fmt.Sprintf(lang.L("Not published as asked: %s"), widgets.ErrorText(err)))
		d.result.Importance = widget.DangerImportance
		d.result.Refresh()
		return
	}
	d.sh.clip.SetContent(url)
	d.url.SetText(url)
	d.url.Show()
	d.result.Importance = widget.SuccessImportance
	if expires.IsZero() {
		d.result.SetText(fmt.Sprintf(lang.L("✓ Published %s and copied its address. Checked: it opens without credentials."), d.page.Key))
	} else {
		d.result.SetText(fmt.Sprintf(lang.L("✓ Published %s and copied a link to it that works until %s."), d.page.Key, whenText(expires, time.Now())))
	}
	d.result.Refresh()
}
