package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage/profiles"
)

// profileForm adds or edits a profile. The provider preset fills in the
// endpoint, region, path style and compatibility; messages under the form
// say what is wrong as the user types. A stored secret is never shown: the
// password field stays empty and typing in it replaces the secret.
type profileForm struct {
	v       *ProfilesView
	editing *profiles.Profile // nil when adding
	presets []profiles.Preset
	preset  profiles.Preset

	dlg        *dialog.CustomDialog
	name       *widget.Entry
	provider   *widget.Select
	account    *widget.Entry // the account ID of providers whose endpoint names it (R2)
	endpoint   *widget.Entry
	region     *widget.Entry
	pathStyle  *widget.Check
	compat     *widget.Check
	insecure   *widget.Check
	accessKey  *widget.Entry
	secret     *widget.Entry
	token      *widget.Entry
	awsProfile *widget.Entry
	defBucket  *widget.Entry // optional, opened at connect (profileplace.go)
	defPrefix  *widget.Entry
	help       *widget.Label // the provider's one-line help
	items      map[string]*widget.FormItem
	formBox    *fyne.Container // holds the form, rebuilt when rows come and go
	accountRow bool            // the Account ID row is shown
	message    *widget.Label   // validation result
	testResult *widget.Label
	testBtn    *widget.Button
	saveBtn    *widget.Button
	cancelBtn  *widget.Button

	autoEndpoint string // the endpoint the form filled in itself
	syncing      bool   // the form is writing the account ID or endpoint itself
	testCancel   context.CancelFunc
	keychainDlg  *dialog.ConfirmDialog // the "use for this session only" offer, for tests
}

// ShowForm opens the profile form, empty for a new profile or filled from p.
func (v *ProfilesView) ShowForm(p *profiles.Profile) {
	if v.store == nil {
		return
	}
	f := &profileForm{v: v, editing: p}
	v.form = f
	for _, pr := range profiles.Presets() {
		if pr.Provider != "sandbox" {
			f.presets = append(f.presets, pr)
		}
	}
	var labels []string
	for _, pr := range f.presets {
		labels = append(labels, pr.Label)
	}
	f.name = widget.NewEntry()
	f.name.SetPlaceHolder(lang.L("e.g. Work AWS"))
	f.account = widget.NewEntry()
	f.account.SetPlaceHolder(lang.L("32 characters, on the R2 overview page"))
	f.endpoint = widget.NewEntry()
	f.region = widget.NewEntry()
	f.pathStyle = widget.NewCheck(lang.L("Path-style addressing (endpoint/bucket)"), nil)
	f.compat = widget.NewCheck(lang.L("Compatibility mode (checksums only when required)"), nil)
	f.insecure = widget.NewCheck(lang.L("Allow plain http:// (not encrypted)"), nil)
	f.accessKey = widget.NewEntry()
	f.accessKey.SetPlaceHolder(lang.L("AKIA…"))
	f.secret = widget.NewPasswordEntry()
	f.token = widget.NewPasswordEntry()
	f.token.SetPlaceHolder(lang.L("only for temporary credentials"))
	f.awsProfile = widget.NewEntry()
	f.awsProfile.SetPlaceHolder(lang.L("optional: a profile of ~/.aws/config instead of keys"))
	f.newPlaceFields(p) // the optional default bucket and folder (profileplace.go)
	// The provider's help is read before filling in the form: ordinary
	// text, wrapped, not a caption.
	f.help = widget.NewLabel("")
	f.help.Wrapping = fyne.TextWrapWord
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.testResult = widget.NewLabel("")
	f.testResult.Wrapping = fyne.TextWrapWord
	f.testResult.Hide()
	f.testBtn = widget.NewButtonWithIcon(lang.L("Test connection"), theme.LoginIcon(), f.test)
	f.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	f.cancelBtn = widget.NewButton(lang.L("Cancel"), nil)
	f.provider = widget.NewSelect(labels, func(label string) { f.choosePreset(label) })

	if p != nil {
		f.name.SetText(p.Name)
		f.endpoint.SetText(p.Endpoint)
		f.region.SetText(p.Region)
		f.pathStyle.SetChecked(p.PathStyle)
		f.compat.SetChecked(p.Compatibility)
		f.insecure.SetChecked(p.AllowInsecureHTTP)
		f.accessKey.SetText(p.AccessKeyID)
		f.awsProfile.SetText(p.AWSProfile)
		f.secret.SetPlaceHolder(lang.L("stored in the keychain; type to replace"))
		for _, pr := range f.presets {
			if pr.Provider == p.Provider {
				f.preset = pr
				f.provider.Selected = pr.Label // no callback: keep the saved fields
				f.endpoint.SetPlaceHolder(pr.EndpointHint)
				f.help.SetText(lang.L(pr.Help))
				f.account.SetText(f.accountOf(p.Endpoint))
			}
		}
	} else {
		f.secret.SetPlaceHolder(lang.L("secret access key"))
		if len(labels) > 0 {
			f.provider.SetSelected(labels[0])
		}
	}
	for _, e := range []*widget.Entry{f.name, f.accessKey, f.secret, f.token, f.awsProfile, f.defBucket, f.defPrefix} {
		e.OnChanged = func(string) { f.validate() }
	}
	f.account.OnChanged = func(string) {
		f.accountChanged()
		f.validate()
	}
	f.endpoint.OnChanged = func(string) {
		f.endpointChanged()
		f.validate()
	}
	f.region.OnChanged = func(string) {
		f.fillEndpoint()
		f.validate()
	}
	for _, c := range []*widget.Check{f.pathStyle, f.compat, f.insecure} {
		c.OnChanged = func(bool) { f.validate() }
	}

	f.items = map[string]*widget.FormItem{
		"name":     widget.NewFormItem(lang.L("Name"), f.name),
		"provider": widget.NewFormItem(lang.L("Provider"), container.NewVBox(f.provider, f.help)),
		"account":  widget.NewFormItem(lang.L("Account ID"), f.account),
		"endpoint": widget.NewFormItem(lang.L("Endpoint"), f.endpoint),
		"region":   widget.NewFormItem(lang.L("Region"), f.region),
		"options":  widget.NewFormItem("", container.NewVBox(f.pathStyle, f.compat, f.insecure)),
		"key":      widget.NewFormItem(lang.L("Access key ID"), f.accessKey),
		"secret":   widget.NewFormItem(lang.L("Secret key"), f.secret),
		"token":    widget.NewFormItem(lang.L("Session token"), f.token),
		"profile":  widget.NewFormItem(lang.L("AWS profile"), f.awsProfile),
		"place":    widget.NewFormItem(lang.L("Open at connect"), container.NewGridWithColumns(2, f.defBucket, f.defPrefix)),
	}
	f.formBox = container.NewStack()
	f.accountRow = !f.needsAccount() // makes layoutForm build the form
	f.layoutForm()
	buttons := container.NewHBox(f.testBtn, layout.NewSpacer(), f.cancelBtn, f.saveBtn)
	content := container.NewVBox(f.formBox, f.message, f.testResult, buttons)
	title := lang.L("New profile")
	if p != nil {
		title = fmt.Sprintf(lang.L("Edit profile “%s”"), p.Name)
	}
	f.dlg = dialog.NewCustomWithoutButtons(title, content, v.win)
	f.cancelBtn.OnTapped = f.close
	f.validate()
	f.dlg.Resize(fyne.NewSize(profileFormWidth, f.dlg.MinSize().Height))
	f.dlg.Show()
	f.fit() // again, now that the wrapped help knows its width
	v.win.Canvas().Focus(f.name)
}

// profileFormWidth fits a whole R2 endpoint (a 32-character account ID,
// even with the .eu jurisdiction) in the Endpoint field.
const profileFormWidth = 720

// fit grows the dialog when a message needs more lines.
func (f *profileForm) fit() {
	if f.dlg != nil {
		widgets.FitDialog(f.dlg, profileFormWidth)
	}
}

func (f *profileForm) profile() profiles.Profile {
	return profiles.Profile{
		Name:              strings.TrimSpace(f.name.Text),
		Provider:          f.preset.Provider,
		Endpoint:          strings.TrimSpace(f.endpoint.Text),
		Region:            strings.TrimSpace(f.region.Text),
		PathStyle:         f.pathStyle.Checked,
		AccessKeyID:       strings.TrimSpace(f.accessKey.Text),
		AWSProfile:        strings.TrimSpace(f.awsProfile.Text),
		Compatibility:     f.compat.Checked,
		AllowInsecureHTTP: f.insecure.Checked,
		HasSessionToken:   f.token.Text != "",
		DefaultBucket:     strings.TrimSpace(f.defBucket.Text),
		DefaultPrefix:     f.defPrefix.Text, // keys are data: not trimmed
	}
}

// secretValue is the secret to store: nil keeps the stored one on edit.
func (f *profileForm) secretValue() *profiles.Secret {
	if f.secret.Text == "" && f.token.Text == "" {
		if f.editing != nil {
			return nil
		}
		return &profiles.Secret{}
	}
	return &profiles.Secret{SecretAccessKey: f.secret.Text, SessionToken: f.token.Text}
}

// validate shows what is wrong (or the warnings) under the form and enables
// Save only for a valid profile. It reports whether the form is valid.
func (f *profileForm) validate() bool {
	p := f.profile()
	warnings, err := profiles.Validate(p)
	var perr *profiles.Error
	if f.needsAccount() && p.Endpoint == "" && errors.As(err, &perr) && perr.Field == "endpoint" {
		err = fmt.Errorf(lang.L("type your %s account ID (on the R2 overview page), or the endpoint URL"), f.preset.Label)
	}
	if id := strings.TrimSpace(f.account.Text); f.needsAccount() && id != "" && !r2Account.MatchString(id) && id == f.accountOf(p.Endpoint) {
		warnings = append(warnings, lang.L("an account ID is 32 characters, 0-9 and a-f; copy it from the R2 overview page"))
	}
	if err == nil && p.AccessKeyID != "" && p.AWSProfile == "" && f.secret.Text == "" &&
		(f.editing == nil || f.editing.AccessKeyID != p.AccessKeyID) {
		err = errors.New(lang.L("enter the secret access key that goes with this access key ID"))
	}
	switch {
	case err != nil:
		f.message.SetText(widgets.Sentence(widgets.ErrorText(err)))
		f.message.Importance = widget.DangerImportance
		f.saveBtn.Disable()
		f.testBtn.Disable()
	case len(warnings) > 0:
		lines := make([]string, len(warnings))
		for i, w := range warnings {
			lines[i] = "⚠ " + widgets.Sentence(w)
		}
		f.message.SetText(strings.Join(lines, "\n"))
		f.message.Importance = widget.WarningImportance
		f.saveBtn.Enable()
		f.testBtn.Enable()
	default:
		f.message.SetText("")
		f.saveBtn.Enable()
		f.testBtn.Enable()
	}
	if f.message.Text == "" {
		f.message.Hide()
	} else {
		f.message.Show()
	}
	f.message.Refresh()
	f.fit()
	return err == nil
}

// test checks the connection with the values in the form.
func (f *profileForm) test() {
	if !f.validate() {
		return
	}
	if f.testCancel != nil {
		f.testCancel()
	}
	ctx, cancel := context.WithCancel(f.v.jobs.Life())
	f.testCancel = cancel
	p, sec := f.profile(), f.secretValue()
	f.testResult.SetText(fmt.Sprintf(lang.L("Connecting to %s…"), f.where(p)))
	f.testResult.Importance = widget.LowImportance
	f.testResult.Show()
	f.testResult.Refresh()
	f.testBtn.Disable()
	store := f.v.store
	f.v.jobs.Go(func() {
		err := store.Test(ctx, p, sec)
		f.v.jobs.Do(func() {
			if ctx.Err() != nil {
				return // the form was closed or a newer test started
			}
			f.testBtn.Enable()
			if err != nil {
				f.testResult.SetText(fmt.Sprintf(lang.L("Could not connect: %s"), widgets.ErrorText(err)))
				f.testResult.Importance = widget.DangerImportance
			} else {
				f.testResult.SetText(fmt.Sprintf(lang.L("Connected: %s answered and accepted the keys."), f.where(p)))
				f.testResult.Importance = widget.SuccessImportance
			}
			f.testResult.Refresh()
			f.fit()
		})
	})
}

func (f *profileForm) where(p profiles.Profile) string {
	if p.Endpoint != "" {
		return hostOf(p.Endpoint)
	}
	return lang.L("the service")
}

// save adds or updates the profile. When the keychain cannot store the
// secret it says so and offers to keep the secret for this session only.
func (f *profileForm) save() {
	if !f.validate() {
		return
	}
	p, sec := f.profile(), f.secretValue()
	store := f.v.store
	f.saveBtn.Disable()
	f.v.jobs.Go(func() {
		var err error
		if f.editing == nil {
			err = store.Add(f.v.jobs.Life(), p, *sec)
		} else {
			err = store.Update(f.v.jobs.Life(), f.editing.Name, p, sec)
		}
		f.v.jobs.Do(func() {
			f.saveBtn.Enable()
			switch {
			case err == nil:
			case errors.Is(err, profiles.ErrKeychainUnavailable) && sec != nil:
				f.offerSessionOnly(p, *sec)
				return
			default:
				f.message.SetText(widgets.Sentence(widgets.ErrorText(err)))
				f.message.Importance = widget.DangerImportance
				f.message.Show()
				f.message.Refresh()
				return
			}
			f.close()
			f.v.status.Say(fmt.Sprintf(lang.L("Saved profile %s"), p.Name))
			f.v.current = ""
			f.v.Reload(p.Name)
		})
	})
}

func (f *profileForm) offerSessionOnly(p profiles.Profile, sec profiles.Secret) {
	msg := widget.NewLabel(fmt.Sprintf(lang.L("The system keychain is not available, so S3 Desk cannot store the secret key of “%s” safely. It never writes secrets to a plain file.\n\nUse the key for this session only? The profile is saved without it, and S3 Desk asks for the key again after a restart."), p.Name))
	msg.Wrapping = fyne.TextWrapWord
	store, editing := f.v.store, f.editing
	d := dialog.NewCustomConfirm(lang.L("Keychain unavailable"), lang.L("Use for this session only"), lang.L("Cancel"),
		container.NewGridWrap(fyne.NewSize(440, msg.MinSize().Height*6), msg), func(ok bool) {
			if !ok {
				return
			}
			f.v.jobs.Go(func() {
				var err error
				if editing == nil {
					err = store.AddForSession(f.v.jobs.Life(), p, sec)
				} else {
					store.UseForSession(p.Name, sec)
					err = store.Update(f.v.jobs.Life(), editing.Name, p, nil)
				}
				f.v.jobs.Do(func() {
					if err != nil {
						f.message.SetText(widgets.Sentence(widgets.ErrorText(err)))
						f.message.Importance = widget.DangerImportance
						f.message.Show()
						f.message.Refresh()
						return
					}
					f.close()
					f.v.status.Say(fmt.Sprintf(lang.L("Using the key of %s for this session only"), p.Name))
					f.v.current = ""
					f.v.Reload(p.Name)
				})
			})
		}, f.v.win)
	f.keychainDlg = d
	d.Show()
}
