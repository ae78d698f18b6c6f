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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/profiles"
)

// ProfileStore is what the Profiles view needs from the saved profiles.
// *profiles.Store satisfies it.
type ProfileStore interface {
	List(ctx context.Context) ([]profiles.Profile, error)
	Add(ctx context.Context, p profiles.Profile, sec profiles.Secret) error
	AddForSession(ctx context.Context, p profiles.Profile, sec profiles.Secret) error
	Update(ctx context.Context, oldName string, p profiles.Profile, sec *profiles.Secret) error
	Delete(ctx context.Context, name string) error
	UseForSession(name string, sec profiles.Secret)
	Test(ctx context.Context, p profiles.Profile, sec *profiles.Secret) error
	Import(ctx context.Context, c profiles.ImportCandidate, copyKeys bool) (profiles.Profile, error)
}

type profileKind int

const (
	kindSandbox profileKind = iota
	kindSaved
	kindCandidate // found in ~/.aws, not imported yet
)

type profileRow struct {
	kind      profileKind
	name      string
	detail    string
	profile   profiles.Profile
	candidate profiles.ImportCandidate
}

// ProfilesView lists the Local sandbox, the saved profiles and those found
// in ~/.aws, and edits them.
type ProfilesView struct {
	win      fyne.Window
	status   Status
	jobs     *async.Jobs
	store    ProfileStore // nil when the profiles folder could not be opened
	discover func(context.Context) ([]profiles.ImportCandidate, error)

	rows    []profileRow
	current string
	load    async.Gen

	list    *widget.List
	addBtn  *widget.Button
	editBtn *widget.Button
	delBtn  *widget.Button
	addHint *widget.Button // "Add an S3 account…", shown while none is saved
	box     *fyne.Container

	// OnSelect is called on the UI goroutine with the chosen profile's name
	// (profiles.SandboxName for the Local sandbox).
	OnSelect func(name string)
	// OnResetSandbox, when set, offers "Reset sample data…" on the sandbox.
	OnResetSandbox func()

	form    *profileForm          // the open add/edit form, for tests
	confirm *dialog.ConfirmDialog // the open delete or import question, for tests
}

// NewProfilesView builds the view and starts reading the profiles.
func NewProfilesView(win fyne.Window, status Status, j *async.Jobs, store ProfileStore,
	discover func(context.Context) ([]profiles.ImportCandidate, error)) *ProfilesView {
	v := &ProfilesView{win: win, status: status, jobs: j, store: store, discover: discover}
	v.rows = []profileRow{sandboxRow()}
	v.list = widget.NewList(
		func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			return widgets.NewSideRow(func() *widget.List { return v.list }, v.profileMenu, theme.AccountIcon())
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(v.rows) {
				return
			}
			r := v.rows[id]
			row := o.(*widgets.SideRow)
			row.ID = id
			row.Name.SetText(displayName(r))
			row.Detail.SetText(r.detail)
			switch r.kind {
			case kindSandbox:
				row.Icon.SetResource(theme.ComputerIcon())
			case kindSaved:
				row.Icon.SetResource(theme.AccountIcon())
			default:
				row.Icon.SetResource(theme.DownloadIcon())
			}
			if r.kind == kindCandidate {
				row.Name.Importance = widget.LowImportance
			} else {
				row.Name.Importance = widget.MediumImportance
			}
			row.Name.Refresh()
		},
	)
	v.list.OnSelected = v.selected

	v.addBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { v.ShowForm(nil) })
	v.editBtn = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), v.editCurrent)
	v.delBtn = widget.NewButtonWithIcon("", theme.DeleteIcon(), v.deleteCurrent)
	for _, b := range []*widget.Button{v.addBtn, v.editBtn, v.delBtn} {
		b.Importance = widget.LowImportance
	}
	v.editBtn.Disable()
	v.delBtn.Disable()
	if store == nil {
		v.addBtn.Disable()
	}
	header := container.NewBorder(nil, nil, widgets.SectionTitle(lang.L("Profiles")),
		container.NewHBox(v.addBtn, v.editBtn, v.delBtn))
	v.addHint = widget.NewButtonWithIcon(lang.L("Add an S3 account…"), theme.ContentAddIcon(), func() { v.ShowForm(nil) })
	v.addHint.Importance = widget.LowImportance
	v.addHint.Alignment = widget.ButtonAlignLeading
	if store == nil {
		v.addHint.Hide()
	}
	v.box = container.NewBorder(header, v.addHint, nil, nil, v.list)
	v.Reload("")
	return v
}

// displayName is a row's name as shown: the built-in sandbox's name is
// the app's (translated); a saved profile's is the user's.
func displayName(r profileRow) string {
	if r.kind == kindSandbox {
		return lang.L("Local sandbox")
	}
	return r.name
}

func sandboxRow() profileRow {
	return profileRow{kind: kindSandbox, name: profiles.SandboxName, detail: lang.L("Built-in S3 server on this computer")}
}

// CanvasObject is the view's root widget.
func (v *ProfilesView) CanvasObject() fyne.CanvasObject { return v.box }

// Current is the chosen profile's name, or "".
func (v *ProfilesView) Current() string { return v.current }

// Names are the listed rows' names, in order (for tests and menus).
func (v *ProfilesView) Names() []string {
	out := make([]string, len(v.rows))
	for i, r := range v.rows {
		out[i] = r.name
	}
	return out
}

// Reload reads the saved profiles and ~/.aws again, then selects selectName
// when it is given and listed.
func (v *ProfilesView) Reload(selectName string) {
	ctx, gen := v.load.Renew(v.jobs.Life())
	store, discover := v.store, v.discover
	v.jobs.Go(func() {
		var saved []profiles.Profile
		var listErr error
		if store != nil {
			saved, listErr = store.List(ctx)
		}
		var found []profiles.ImportCandidate
		if discover != nil {
			found, _ = discover(ctx) // an unreadable ~/.aws just offers nothing to import
		}
		v.jobs.Do(func() {
			if !v.load.Current(gen) {
				return
			}
			if listErr != nil && !errors.Is(listErr, context.Canceled) {
				v.status.Say(fmt.Sprintf(lang.L("Could not read the saved profiles: %s"), widgets.ErrorText(listErr)))
			}
			v.setRows(saved, found)
			if selectName != "" {
				v.Select(selectName)
			}
		})
	})
}

func (v *ProfilesView) setRows(saved []profiles.Profile, found []profiles.ImportCandidate) {
	rows := []profileRow{sandboxRow()}
	known := map[string]bool{}
	for _, p := range saved {
		if p.Provider == "sandbox" || p.Name == profiles.SandboxName {
			continue
		}
		rows = append(rows, profileRow{kind: kindSaved, name: p.Name, detail: profileDetail(p), profile: p})
		known[p.Name] = true
		if p.AWSProfile != "" {
			known[p.AWSProfile] = true
		}
	}
	for _, c := range found {
		if known[c.Name] {
			continue
		}
		detail := lang.L("In ~/.aws")
		if c.Kind != "" {
			detail += " · " + c.Kind
		}
		rows = append(rows, profileRow{kind: kindCandidate, name: c.Name, detail: detail + " · " + lang.L("tap to import"), candidate: c})
	}
	v.rows = rows
	if v.store != nil && len(saved) <= 1 { // only the built-in sandbox
		v.addHint.Show()
	} else {
		v.addHint.Hide()
	}
	v.list.UnselectAll()
	v.list.Refresh()
	if v.current != "" {
		for i, r := range rows {
			if r.name == v.current && r.kind != kindCandidate {
				v.list.Select(i)
				return
			}
		}
	}
}

func profileDetail(p profiles.Profile) string {
	var parts []string
	for _, pr := range profiles.Presets() {
		if pr.Provider == p.Provider {
			parts = append(parts, pr.Label)
			break
		}
	}
	switch {
	case p.Endpoint != "":
		parts = append(parts, hostOf(p.Endpoint))
	case p.Region != "":
		parts = append(parts, p.Region)
	}
	if p.AWSProfile != "" {
		parts = append(parts, fmt.Sprintf(lang.L("AWS profile %s"), p.AWSProfile))
	}
	if len(parts) == 0 {
		return " "
	}
	return strings.Join(parts, " · ")
}

func hostOf(endpoint string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	return strings.TrimRight(s, "/")
}

// Select selects the row called name, as if the user had tapped it.
func (v *ProfilesView) Select(name string) bool {
	for i, r := range v.rows {
		if r.name == name {
			v.list.Select(i)
			v.list.ScrollTo(i)
			return true
		}
	}
	return false
}

func (v *ProfilesView) selected(id widget.ListItemID) {
	if id < 0 || id >= len(v.rows) {
		return
	}
	r := v.rows[id]
	if r.kind == kindCandidate {
		v.list.UnselectAll()
		v.Select(v.current)
		v.confirmImport(r.candidate)
		return
	}
	if r.kind == kindSaved {
		v.editBtn.Enable()
		v.delBtn.Enable()
	} else {
		v.editBtn.Disable()
		v.delBtn.Disable()
	}
	if r.name == v.current {
		return
	}
	v.current = r.name
	if v.OnSelect != nil {
		v.OnSelect(r.name)
	}
}

// profileMenu is the context menu of a profile row.
func (v *ProfilesView) profileMenu(id widget.ListItemID) *fyne.Menu {
	if id < 0 || id >= len(v.rows) {
		return nil
	}
	r := v.rows[id]
	switch r.kind {
	case kindSandbox:
		if v.OnResetSandbox == nil {
			return nil
		}
		return fyne.NewMenu("", fyne.NewMenuItem(lang.L("Reset sample data…"), v.OnResetSandbox))
	case kindSaved: // (a candidate's right-click already asks to import it)
		if v.store == nil {
			return nil
		}
		return fyne.NewMenu("",
			fyne.NewMenuItem(lang.L("Edit…"), v.editCurrent),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem(lang.L("Delete…"), v.deleteCurrent))
	}
	return nil
}

func (v *ProfilesView) row(name string) (profileRow, bool) {
	for _, r := range v.rows {
		if r.name == name {
			return r, true
		}
	}
	return profileRow{}, false
}

func (v *ProfilesView) editCurrent() {
	if r, ok := v.row(v.current); ok && r.kind == kindSaved {
		p := r.profile
		v.ShowForm(&p)
	}
}

func (v *ProfilesView) deleteCurrent() {
	r, ok := v.row(v.current)
	if !ok || r.kind != kindSaved || v.store == nil {
		return
	}
	store := v.store
	name := r.name
	v.confirm = dialog.NewConfirm(lang.L("Delete profile"),
		fmt.Sprintf(lang.L("Delete the profile “%s” and its stored secret key?\nThe buckets and files on the service are not touched."), name),
		func(ok bool) {
			if !ok {
				return
			}
			v.jobs.Go(func() {
				err := store.Delete(v.jobs.Life(), name)
				v.jobs.Do(func() {
					if err != nil {
						widgets.ShowError(v.win, lang.L("Could not delete the profile"), err)
						return
					}
					v.status.Say(fmt.Sprintf(lang.L("Deleted profile %s"), name))
					if v.current == name {
						v.current = ""
						v.Reload(profiles.SandboxName)
						return
					}
					v.Reload("")
				})
			})
		}, v.win)
	v.confirm.SetConfirmText(lang.L("Delete"))
	v.confirm.SetConfirmImportance(widget.DangerImportance)
	v.confirm.Show()
}

func (v *ProfilesView) confirmImport(c profiles.ImportCandidate) {
	if v.store == nil {
		return
	}
	store := v.store
	copyKeys := widget.NewCheck(lang.L("Copy its access keys into the system keychain"), nil)
	msg := fmt.Sprintf(lang.L("Import the profile “%s” from ~/.aws?"), c.Name)
	if c.Region != "" {
		msg += "\n" + fmt.Sprintf(lang.L("Region: %s"), c.Region)
	}
	if c.Endpoint != "" {
		msg += "\n" + fmt.Sprintf(lang.L("Endpoint: %s"), c.Endpoint)
	}
	items := []fyne.CanvasObject{widget.NewLabel(msg)}
	if c.HasStaticKeys {
		copyKeys.SetChecked(false)
		items = append(items, copyKeys,
			lowLabel(lang.L("Unchecked, S3 Desk reads the keys from ~/.aws each time, as the AWS CLI does.")))
	} else {
		items = append(items, lowLabel(lang.L("Its credentials are resolved by the AWS SDK (SSO, roles, credential_process).")))
	}
	v.confirm = dialog.NewCustomConfirm(lang.L("Import profile"), lang.L("Import"), lang.L("Cancel"), container.NewVBox(items...), func(ok bool) {
		if !ok {
			return
		}
		keys := copyKeys.Checked
		v.jobs.Go(func() {
			p, err := store.Import(v.jobs.Life(), c, keys)
			v.jobs.Do(func() {
				if err != nil {
					widgets.ShowError(v.win, fmt.Sprintf(lang.L("Could not import “%s”"), c.Name), err)
					return
				}
				v.status.Say(fmt.Sprintf(lang.L("Imported profile %s"), p.Name))
				v.Reload(p.Name)
			})
		})
	}, v.win)
	v.confirm.Show()
}

func lowLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// Choose makes name the chosen profile before its row is listed (the saved
// profiles are read in the background).
func (v *ProfilesView) Choose(name string) { v.current = name }

// Stop cancels the reading in flight.
func (v *ProfilesView) Stop() { v.load.Stop() }
