package gui

import (
	"errors"
	"fmt"
	"image/color"
	"s3desk/gui/sharing"
	"s3desk/gui/transfers"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage/transfer"
)

// Conflict policies for transfers whose target already exists: the
// transfers panel's.
const (
	ConflictAsk       = transfers.ConflictAsk
	ConflictOverwrite = transfers.ConflictOverwrite
	ConflictSkip      = transfers.ConflictSkip
	ConflictKeepBoth  = transfers.ConflictKeepBoth
)

// Appearance choices.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// Checksum compatibility per profile: follow the provider preset, or force.
const (
	CompatPreset = "preset"
	CompatOn     = "on"
	CompatOff    = "off"
)

const minPartSizeMiB = 5

// Settings are the user's preferences, stored with Fyne preferences.
type Settings struct {
	Concurrency    int               // parts or files in flight at once
	PartSizeMiB    int               // multipart part size
	BandwidthMiBps int               // upload+download limit, 0 = none
	Conflict       string            // default conflict policy
	PresignExpiry  time.Duration     // default expiry of presigned links
	ConfirmDelete  bool              // confirm before deleting objects (folders and buckets always ask)
	ShowHidden     bool              // show keys whose name starts with "."
	Theme          string            // system, light or dark
	Language       string            // LanguageSystem or a catalogue: en, de, fr, es, pt_BR
	Compatibility  map[string]string // profile name -> CompatPreset, CompatOn or CompatOff
}

// Transfers are the settings the transfers panel reads.
func (s Settings) Transfers() transfers.Settings {
	return transfers.Settings{Concurrency: s.Concurrency, PartSizeMiB: s.PartSizeMiB, BandwidthMiBps: s.BandwidthMiBps, Conflict: s.Conflict}
}

// DefaultSettings are used for anything the user has not set.
func DefaultSettings() Settings {
	return Settings{
		Concurrency:    4, // measured best on versitygw: 16 MiB x 4 (storage/transfer.go)
		PartSizeMiB:    16,
		Conflict:       ConflictAsk,
		PresignExpiry:  time.Hour,
		ConfirmDelete:  true,
		Theme:          ThemeSystem,
		Language:       LanguageSystem,
		Compatibility:  map[string]string{},
		BandwidthMiBps: 0,
	}
}

// Validate reports the first value that cannot be used, in plain words.
func (s Settings) Validate() error {
	var errs []error
	if s.Concurrency < 1 || s.Concurrency > 64 {
		errs = append(errs, fmt.Errorf(lang.L("concurrency must be between 1 and 64 (got %d)"), s.Concurrency))
	}
	if s.PartSizeMiB < minPartSizeMiB || s.PartSizeMiB > 5*1024 {
		errs = append(errs, fmt.Errorf(lang.L("part size must be between %d MiB (the S3 minimum) and 5120 MiB (got %d)"), minPartSizeMiB, s.PartSizeMiB))
	}
	if len(errs) == 0 {
		// The engine's memory budget: part size × parts in flight.
		if err := transfer.ValidateTransferOptions(transfer.TransferOptions{
			PartSize: int64(s.PartSizeMiB) << 20, Concurrency: s.Concurrency}); err != nil {
			errs = append(errs, errors.New(widgets.ErrorText(err)))
		}
	}
	if s.BandwidthMiBps < 0 {
		errs = append(errs, errors.New(lang.L("bandwidth limit cannot be negative; use 0 for no limit")))
	}
	switch s.Conflict {
	case ConflictAsk, ConflictOverwrite, ConflictSkip, ConflictKeepBoth:
	default:
		errs = append(errs, fmt.Errorf(lang.L("unknown conflict policy %q"), s.Conflict))
	}
	if s.PresignExpiry <= 0 || s.PresignExpiry > 7*24*time.Hour {
		errs = append(errs, errors.New(lang.L("link expiry must be more than 0 and at most 7 days")))
	}
	switch s.Theme {
	case ThemeSystem, ThemeLight, ThemeDark:
	default:
		errs = append(errs, fmt.Errorf(lang.L("unknown theme %q"), s.Theme))
	}
	if !validLanguage(s.Language) {
		errs = append(errs, fmt.Errorf(lang.L("unknown language %q"), s.Language))
	}
	for p, v := range s.Compatibility {
		switch v {
		case CompatPreset, CompatOn, CompatOff:
		default:
			errs = append(errs, fmt.Errorf(lang.L("profile %q: unknown checksum mode %q"), p, v))
		}
	}
	return errors.Join(errs...)
}

// CompatibilityFor tells whether a profile's checksum mode is overridden:
// ok is false when the preset's choice stands.
func (s Settings) CompatibilityFor(profile string) (on, ok bool) {
	switch s.Compatibility[profile] {
	case CompatOn:
		return true, true
	case CompatOff:
		return false, true
	}
	return false, false
}

// LoadSettings reads the settings, falling back to the defaults.
func LoadSettings(p fyne.Preferences) Settings {
	d := DefaultSettings()
	s := Settings{
		Concurrency:    p.IntWithFallback("transfer.concurrency", d.Concurrency),
		PartSizeMiB:    p.IntWithFallback("transfer.partSizeMiB", d.PartSizeMiB),
		BandwidthMiBps: p.IntWithFallback("transfer.bandwidthMiBps", d.BandwidthMiBps),
		Conflict:       p.StringWithFallback("transfer.conflict", d.Conflict),
		PresignExpiry:  time.Duration(p.IntWithFallback("share.expirySeconds", int(d.PresignExpiry/time.Second))) * time.Second,
		ConfirmDelete:  p.BoolWithFallback("behaviour.confirmDelete", d.ConfirmDelete),
		ShowHidden:     p.BoolWithFallback("behaviour.showHidden", d.ShowHidden),
		Theme:          p.StringWithFallback("appearance.theme", d.Theme),
		Language:       p.StringWithFallback("appearance.language", d.Language),
		Compatibility:  map[string]string{},
	}
	for _, kv := range p.StringList("compat.profiles") {
		name, mode, ok := strings.Cut(kv, "\x00")
		if ok && name != "" {
			s.Compatibility[name] = mode
		}
	}
	return s
}

// Save validates and stores the settings; nothing is stored when a value is
// invalid.
func (s Settings) Save(p fyne.Preferences) error {
	if err := s.Validate(); err != nil {
		return err
	}
	p.SetInt("transfer.concurrency", s.Concurrency)
	p.SetInt("transfer.partSizeMiB", s.PartSizeMiB)
	p.SetInt("transfer.bandwidthMiBps", s.BandwidthMiBps)
	p.SetString("transfer.conflict", s.Conflict)
	p.SetInt("share.expirySeconds", int(s.PresignExpiry/time.Second))
	p.SetBool("behaviour.confirmDelete", s.ConfirmDelete)
	p.SetBool("behaviour.showHidden", s.ShowHidden)
	p.SetString("appearance.theme", s.Theme)
	p.SetString("appearance.language", s.Language)
	var kvs []string
	for name, mode := range s.Compatibility {
		if mode != CompatPreset {
			kvs = append(kvs, name+"\x00"+mode)
		}
	}
	p.SetStringList("compat.profiles", kvs)
	return nil
}

// ApplyTheme makes the app follow the system theme or force a variant.
func ApplyTheme(a fyne.App, choice string) {
	switch choice {
	case ThemeLight:
		a.Settings().SetTheme(forcedVariant{theme.DefaultTheme(), theme.VariantLight})
	case ThemeDark:
		a.Settings().SetTheme(forcedVariant{theme.DefaultTheme(), theme.VariantDark})
	default:
		a.Settings().SetTheme(theme.DefaultTheme())
	}
}

// forcedVariant is the default theme pinned to light or dark.
type forcedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (f forcedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.variant)
}

// The choices' labels are built when shown, in the user's language.
func conflictLabels() map[string]string {
	return map[string]string{
		ConflictAsk:       lang.L("Ask each time"),
		ConflictOverwrite: lang.L("Overwrite"),
		ConflictSkip:      lang.L("Skip"),
		ConflictKeepBoth:  lang.L("Keep both"),
	}
}

func themeLabels() map[string]string {
	return map[string]string{ThemeSystem: lang.L("Follow the system"), ThemeLight: lang.L("Light"), ThemeDark: lang.L("Dark")}
}

func compatLabels() map[string]string {
	return map[string]string{CompatPreset: lang.L("As the provider preset"), CompatOn: lang.L("Only when required (compatible)"), CompatOff: lang.L("Always (AWS default)")}
}

// SettingsView is the Settings window's content.
type SettingsView struct {
	prefs   fyne.Preferences
	onSaved func(Settings)

	concurrency *widget.Entry
	partSize    *widget.Entry
	bandwidth   *widget.Entry
	conflict    *widget.Select
	expiry      *widget.Select
	confirm     *widget.Check
	hidden      *widget.Check
	themeChoice *widget.RadioGroup
	language    *widget.Select
	compat      map[string]*widget.Select
	message     *widget.Label
	save        *widget.Button
	content     fyne.CanvasObject
}

// NewSettingsView builds the settings form from the stored preferences.
// profiles are the names whose checksum mode can be overridden; onSaved runs
// after a successful save.
func NewSettingsView(prefs fyne.Preferences, profiles []string, onSaved func(Settings)) *SettingsView {
	s := LoadSettings(prefs)
	v := &SettingsView{prefs: prefs, onSaved: onSaved, compat: map[string]*widget.Select{}}
	v.concurrency = widget.NewEntry()
	v.concurrency.SetText(strconv.Itoa(s.Concurrency))
	v.partSize = widget.NewEntry()
	v.partSize.SetText(strconv.Itoa(s.PartSizeMiB))
	v.bandwidth = widget.NewEntry()
	v.bandwidth.SetText(strconv.Itoa(s.BandwidthMiBps))
	v.conflict = widget.NewSelect(labelsOf(conflictLabels(), ConflictAsk, ConflictOverwrite, ConflictSkip, ConflictKeepBoth), nil)
	v.conflict.SetSelected(conflictLabels()[s.Conflict])
	v.expiry = widget.NewSelect(sharing.ExpiryLabels(), nil)
	v.expiry.SetSelected(sharing.ExpiryLabel(s.PresignExpiry))
	v.confirm = widget.NewCheck(lang.L("Confirm before deleting objects (folders and buckets always ask)"), nil)
	v.confirm.SetChecked(s.ConfirmDelete)
	v.hidden = widget.NewCheck(lang.L("Show hidden keys (names starting with \".\")"), nil)
	v.hidden.SetChecked(s.ShowHidden)
	v.themeChoice = widget.NewRadioGroup(labelsOf(themeLabels(), ThemeSystem, ThemeLight, ThemeDark), nil)
	v.themeChoice.Horizontal = true
	v.themeChoice.SetSelected(themeLabels()[s.Theme])
	v.language = widget.NewSelect(languageLabels(), nil)
	v.language.SetSelected(languageLabel(s.Language))
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), v.Save)
	v.save.Importance = widget.HighImportance

	transfers := widget.NewForm(
		widget.NewFormItem(lang.L("Concurrency"), v.concurrency),
		widget.NewFormItem(lang.L("Part size (MiB)"), v.partSize),
		widget.NewFormItem(lang.L("Bandwidth limit (MiB/s, 0 = none)"), v.bandwidth),
		widget.NewFormItem(lang.L("When a file exists"), v.conflict),
	)
	sharing := widget.NewForm(widget.NewFormItem(lang.L("Default link expiry"), v.expiry))
	compatForm := widget.NewForm()
	for _, p := range profiles {
		sel := widget.NewSelect(labelsOf(compatLabels(), CompatPreset, CompatOn, CompatOff), nil)
		mode := s.Compatibility[p]
		if mode == "" {
			mode = CompatPreset
		}
		sel.SetSelected(compatLabels()[mode])
		v.compat[p] = sel
		compatForm.Append(p, sel)
	}
	var compatBody fyne.CanvasObject = compatForm
	if len(profiles) == 0 {
		compatBody = widget.NewLabel(lang.L("No saved profiles yet."))
	}
	body := container.NewVBox(
		widget.NewCard(lang.L("Transfers"), "", transfers),
		widget.NewCard(lang.L("Sharing"), "", sharing),
		widget.NewCard(lang.L("Compatibility"), lang.L("Checksum mode per profile"), compatBody),
		widget.NewCard(lang.L("Behaviour"), "", container.NewVBox(v.confirm, v.hidden)),
		widget.NewCard(lang.L("Appearance"), "", container.NewVBox(v.themeChoice,
			widget.NewForm(widget.NewFormItem(lang.L("Language"), v.language)), widget.NewLabel(lang.L("A new language shows the next time S3 Desk starts.")))),
	)
	v.content = container.NewBorder(nil, container.NewVBox(v.message, container.NewHBox(layout.NewSpacer(), v.save)), nil, nil,
		container.NewVScroll(body))
	return v
}

// CanvasObject is the view's root widget.
func (v *SettingsView) CanvasObject() fyne.CanvasObject { return v.content }

// Read turns the form into Settings, reporting unparsable numbers.
func (v *SettingsView) Read() (Settings, error) {
	s := DefaultSettings()
	var errs []error
	num := func(label string, e *widget.Entry) int {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			errs = append(errs, fmt.Errorf(lang.L("%s must be a whole number (got %q)"), label, e.Text))
		}
		return n
	}
	s.Concurrency = num(lang.L("concurrency"), v.concurrency)
	s.PartSizeMiB = num(lang.L("part size"), v.partSize)
	s.BandwidthMiBps = num(lang.L("bandwidth limit"), v.bandwidth)
	s.Conflict = keyOf(conflictLabels(), v.conflict.Selected)
	if d, ok := sharing.ExpiryOf(v.expiry.Selected); ok {
		s.PresignExpiry = d
	}
	s.ConfirmDelete = v.confirm.Checked
	s.ShowHidden = v.hidden.Checked
	s.Theme = keyOf(themeLabels(), v.themeChoice.Selected)
	s.Language = languageCode(v.language.Selected)
	for p, sel := range v.compat {
		s.Compatibility[p] = keyOf(compatLabels(), sel.Selected)
	}
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	return s, s.Validate()
}

// Save validates the form and stores it; invalid values are shown and
// nothing is stored.
func (v *SettingsView) Save() {
	s, err := v.Read()
	if err == nil {
		err = s.Save(v.prefs)
	}
	if err != nil {
		v.message.Importance = widget.DangerImportance
		v.message.SetText(err.Error())
		return
	}
	v.message.Importance = widget.SuccessImportance
	v.message.SetText(lang.L("Settings saved."))
	if v.onSaved != nil {
		v.onSaved(s)
	}
}

// Message is the validation or confirmation text shown under the form.
func (v *SettingsView) Message() string { return v.message.Text }

func labelsOf(m map[string]string, keys ...string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func keyOf(m map[string]string, label string) string {
	for k, l := range m {
		if l == label {
			return k
		}
	}
	return ""
}
