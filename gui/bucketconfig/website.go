package bucketconfig

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	bc "s3desk/storage/bucketconfig"
)

// WebsiteTab turns static-website hosting on and off and gives its URL.
type WebsiteTab struct {
	*section
	enabled  *widget.Check
	index    *widget.Entry
	errorDoc *widget.Entry
	url      *widget.Hyperlink
	note     *widget.Label
	copyURL  *widget.Button
	openURL  *widget.Button
	loaded   storage.WebsiteConfig
	address  bc.WebsiteAddress
}

func newWebsiteTab(w *Window) *WebsiteTab {
	t := &WebsiteTab{}
	t.enabled = widget.NewCheck(lang.L("Host a static website from this bucket"), func(on bool) { t.docControls(on) })
	t.index = widget.NewEntry()
	t.index.SetPlaceHolder(lang.L("index.html"))
	t.errorDoc = widget.NewEntry()
	t.errorDoc.SetPlaceHolder(lang.L("error.html (optional)"))
	t.url = widget.NewHyperlink("", nil)
	t.note = widget.NewLabel("")
	t.note.Wrapping = fyne.TextWrapWord
	t.copyURL = widget.NewButtonWithIcon(lang.L("Copy URL"), theme.ContentCopyIcon(), t.CopyURL)
	t.openURL = widget.NewButtonWithIcon(lang.L("Open in browser"), theme.ComputerIcon(), t.OpenURL)
	docs := widget.NewForm(widget.NewFormItem(lang.L("Index document"), t.index), widget.NewFormItem(lang.L("Error document"), t.errorDoc))
	addr := container.NewVBox(widgets.SectionTitle(lang.L("Address")), t.url, t.note, container.NewHBox(t.copyURL, t.openURL))
	form := container.NewVBox(t.enabled, docs, addr)
	t.section = newSection(w, "A static website serves the bucket's files as web pages: a folder's address shows its index document. The files must be public for visitors to see them.", form)
	t.fetch = func(ctx context.Context) (func(), error) {
		c, err := w.store.Website(ctx, w.bucket)
		if err != nil {
			return nil, err
		}
		index := c.IndexDocument
		if index == "" {
			index = "index.html"
		}
		a, aerr := w.store.WebsiteAddress(ctx, w.bucket, index)
		return func() {
			t.loaded, t.address = c, a
			if aerr != nil {
				t.address = bc.WebsiteAddress{Note: "No address: " + widgets.ErrorText(aerr)}
			}
			t.show(c)
		}, nil
	}
	t.revert = func() { t.show(t.loaded) }
	t.confirm = func() (string, string) {
		if !t.enabled.Checked && t.loaded.Enabled {
			return "Turn website hosting off?", "The website address stops answering, and the bucket's website settings (documents and any redirect rules) are removed. The files stay."
		}
		return "", ""
	}
	t.collect = func() (func(ctx context.Context) error, error) {
		if !t.enabled.Checked {
			return func(ctx context.Context) error { return w.store.DeleteWebsite(ctx, w.bucket) }, nil
		}
		c := t.loaded // keeps routing rules made elsewhere
		c.Enabled, c.RedirectAllTo = true, nil
		c.IndexDocument = strings.TrimSpace(t.index.Text)
		if c.IndexDocument == "" {
			c.IndexDocument = "index.html"
		}
		c.ErrorDocument = strings.TrimSpace(t.errorDoc.Text)
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.store.PutWebsite(ctx, w.bucket, c) }, nil
	}
	return t
}

func (t *WebsiteTab) show(c storage.WebsiteConfig) {
	t.enabled.SetChecked(c.Enabled)
	t.index.SetText(c.IndexDocument)
	t.errorDoc.SetText(c.ErrorDocument)
	t.docControls(c.Enabled)
	a := t.address
	t.url.SetText(a.URL)
	if u, err := url.Parse(a.URL); err == nil && a.URL != "" {
		t.url.SetURL(u)
	}
	switch {
	case a.URL == "":
		t.note.SetText(a.Note)
	case !c.Enabled:
		t.note.SetText(lang.L("Hosting is off. Once it is on, the site will be at this address."))
	case a.Endpoint:
		t.note.SetText(lang.L("The website endpoint (plain http). Visitors see only public files."))
	default:
		t.note.SetText(fmt.Sprintf(lang.L("%s. This address opens the index page as a public object."), a.Note))
	}
	if a.URL == "" {
		t.copyURL.Disable()
		t.openURL.Disable()
	} else {
		t.copyURL.Enable()
		t.openURL.Enable()
	}
}

func (t *WebsiteTab) docControls(on bool) {
	if on {
		t.index.Enable()
		t.errorDoc.Enable()
	} else {
		t.index.Disable()
		t.errorDoc.Disable()
	}
}

// URL is the address shown.
func (t *WebsiteTab) URL() string { return t.address.URL }

// Note is the line under the address.
func (t *WebsiteTab) Note() string { return t.note.Text }

// CopyURL puts the address on the clipboard.
func (t *WebsiteTab) CopyURL() {
	if t.address.URL == "" {
		return
	}
	t.w.app.Clipboard().SetContent(t.address.URL)
	t.say(fmt.Sprintf(lang.L("Copied %s"), t.address.URL), 0)
}

// OpenURL opens the address in the default browser.
func (t *WebsiteTab) OpenURL() {
	u, err := url.Parse(t.address.URL)
	if err != nil || t.address.URL == "" {
		return
	}
	if err := t.w.app.OpenURL(u); err != nil {
		t.say(fmt.Sprintf(lang.L("Could not open the browser: %s"), err.Error()), widget.DangerImportance)
	}
}

// SetHosting sets the controls (as typing and clicking would).
func (t *WebsiteTab) SetHosting(on bool, index, errorDoc string) {
	t.enabled.SetChecked(on)
	t.index.SetText(index)
	t.errorDoc.SetText(errorDoc)
}
