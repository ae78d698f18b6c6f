package accounts

import (
	"net/url"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The profile form's provider-dependent part: the preset's endpoint and,
// for Cloudflare R2, the account ID that goes into it.

// needsAccount says whether the provider's endpoint names the account
// (Cloudflare R2), so that the form asks for the account ID.
func (f *profileForm) needsAccount() bool {
	return strings.Contains(f.preset.EndpointHint, accountPlaceholder)
}

const accountPlaceholder = "<account-id>"

// layoutForm shows the Account ID row only for providers that need it.
// widget.Form keeps a row's old widget when Items change, so the form is
// made afresh.
func (f *profileForm) layoutForm() {
	if f.formBox == nil || f.accountRow == f.needsAccount() {
		return
	}
	f.accountRow = f.needsAccount()
	keys := []string{"name", "provider", "account", "endpoint", "region", "options", "key", "secret", "token", "profile", "place"}
	var items []*widget.FormItem
	for _, k := range keys {
		if k != "account" || f.accountRow {
			items = append(items, f.items[k])
		}
	}
	f.formBox.Objects = []fyne.CanvasObject{widget.NewForm(items...)}
	f.formBox.Refresh()
}

// accountHost is the host of the preset's endpoint after the account ID,
// e.g. ".r2.cloudflarestorage.com" ("" for providers without one).
func (f *profileForm) accountHost() string {
	hint := f.preset.EndpointHint
	i := strings.Index(hint, accountPlaceholder)
	if i < 0 {
		return ""
	}
	rest := hint[i+len(accountPlaceholder):]
	if j := strings.IndexAny(rest, "/:"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// accountOf is the account ID in an endpoint of the preset's form
// (including jurisdictions such as <id>.eu.r2.cloudflarestorage.com), or "".
func (f *profileForm) accountOf(endpoint string) string {
	host := f.accountHost()
	if host == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), host) {
		return ""
	}
	id, _, _ := strings.Cut(u.Hostname(), ".")
	return id
}

// accountChanged writes the account ID into the endpoint: the preset's
// endpoint when the form filled it (or it is empty), else the first part of
// the host of the user's own R2 endpoint. A pasted endpoint URL is taken
// as the endpoint.
func (f *profileForm) accountChanged() {
	if f.syncing || !f.needsAccount() {
		return
	}
	f.syncing = true
	defer func() { f.syncing = false }()
	text := strings.TrimSpace(f.account.Text)
	if strings.Contains(text, "://") {
		f.autoEndpoint = text
		f.endpoint.SetText(text)
		if id := f.accountOf(text); id != "" {
			f.account.SetText(id)
		}
		return
	}
	ep := strings.TrimSpace(f.endpoint.Text)
	switch {
	case ep == "" || ep == f.autoEndpoint:
		f.autoEndpoint = ""
		if text != "" {
			f.autoEndpoint = f.preset.ExpandEndpoint(text)
		}
		f.endpoint.SetText(f.autoEndpoint)
	case f.accountOf(ep) != "" && text != "":
		old := f.accountOf(ep)
		i := strings.Index(ep, old)
		f.endpoint.SetText(ep[:i] + text + ep[i+len(old):])
	}
}

// endpointChanged shows the account ID of an R2 endpoint typed or pasted
// into the Endpoint field.
func (f *profileForm) endpointChanged() {
	if f.syncing || !f.needsAccount() {
		return
	}
	if id := f.accountOf(f.endpoint.Text); id != "" && id != f.account.Text {
		f.syncing = true
		f.account.SetText(id)
		f.syncing = false
	}
}

func (f *profileForm) close() {
	if f.testCancel != nil {
		f.testCancel()
	}
	f.dlg.Hide()
}

// choosePreset fills the fields the chosen provider decides.
func (f *profileForm) choosePreset(label string) {
	for _, pr := range f.presets {
		if pr.Label != label {
			continue
		}
		old := f.preset
		f.preset = pr
		f.endpoint.SetPlaceHolder(pr.EndpointHint)
		f.help.SetText(pr.Help)
		f.layoutForm()
		// Replace what the previous preset filled in, keep what the user typed.
		if f.endpoint.Text == "" || f.endpoint.Text == f.autoEndpoint {
			f.autoEndpoint = ""
			if pr.EndpointHint != "" && !strings.ContainsAny(pr.EndpointHint, "<>") {
				f.autoEndpoint = pr.EndpointHint
			}
			f.endpoint.SetText(f.autoEndpoint)
		}
		if f.region.Text == "" || f.region.Text == old.Region {
			f.region.SetText(pr.Region) // also fills a <region> endpoint
		}
		f.fillEndpoint()
		f.pathStyle.SetChecked(pr.PathStyle)
		f.compat.SetChecked(pr.Compatibility)
	}
	f.validate()
}

// fillEndpoint writes the endpoint of providers whose endpoint names the
// region (B2, Wasabi) or the account (R2), unless the user typed one.
func (f *profileForm) fillEndpoint() {
	hint := f.preset.EndpointHint
	value := f.region.Text
	if f.needsAccount() {
		value = strings.TrimSpace(f.account.Text)
	} else if !strings.Contains(hint, "<region>") {
		return
	}
	if value == "" || f.endpoint.Text != "" && f.endpoint.Text != f.autoEndpoint {
		return
	}
	f.autoEndpoint = f.preset.ExpandEndpoint(value)
	f.syncing = true
	f.endpoint.SetText(f.autoEndpoint)
	f.syncing = false
}

// r2Account is the form of a Cloudflare account ID.
var r2Account = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
