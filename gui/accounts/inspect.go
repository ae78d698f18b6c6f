package accounts

import (
	"s3desk/gui/widgets"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// These read the views' state for the shell and its tests. Call them on
// the UI goroutine.

// Saved tells whether name is a saved profile (not the sandbox, not one
// found in ~/.aws and not imported yet).
func (v *ProfilesView) Saved(name string) bool {
	r, ok := v.row(name)
	return ok && r.kind == kindSaved
}

// SetConfirm records d as the open question of the view, for tests.
func (v *ProfilesView) SetConfirm(d *dialog.ConfirmDialog) { v.confirm = d }

// List is the profiles list.
func (v *ProfilesView) List() *widget.List { return v.list }

// Listed tells whether a row called name is listed.
func (v *ProfilesView) Listed(name string) bool {
	_, ok := v.row(name)
	return ok
}

// AddButton, EditButton and DeleteButton are the view's toolbar buttons.
func (v *ProfilesView) AddButton() *widget.Button    { return v.addBtn }
func (v *ProfilesView) EditButton() *widget.Button   { return v.editBtn }
func (v *ProfilesView) DeleteButton() *widget.Button { return v.delBtn }

// Confirm is the open delete or import question, or nil.
func (v *ProfilesView) Confirm() *dialog.ConfirmDialog { return v.confirm }

// FormParts are the widgets of the profile form, for tests.
type FormParts struct {
	f *profileForm

	Name, Endpoint, Region, AccessKey, Secret *widget.Entry
	Provider                                  *widget.Select
	PathStyle, Compat, Insecure               *widget.Check
	Message, TestResult                       *widget.Label
	TestBtn, SaveBtn                          *widget.Button
}

// Form is the open (or last opened) profile form, or nil.
func (v *ProfilesView) Form() *FormParts {
	f := v.form
	if f == nil {
		return nil
	}
	return &FormParts{f: f,
		Name: f.name, Endpoint: f.endpoint, Region: f.region, AccessKey: f.accessKey, Secret: f.secret,
		Provider:  f.provider,
		PathStyle: f.pathStyle, Compat: f.compat, Insecure: f.insecure,
		Message: f.message, TestResult: f.testResult,
		TestBtn: f.testBtn, SaveBtn: f.saveBtn,
	}
}

// KeychainDlg is the "use for this session only" offer, or nil.
func (p *FormParts) KeychainDlg() *dialog.ConfirmDialog { return p.f.keychainDlg }

// Close closes the form.
func (p *FormParts) Close() { p.f.close() }

// List is the buckets list.
func (v *BucketsView) List() *widget.List { return v.list }

// Message is the line shown in place of the list.
func (v *BucketsView) Message() *widget.Label { return v.message }

// AddButton and DeleteButton are the view's toolbar buttons.
func (v *BucketsView) AddButton() *widget.Button    { return v.addBtn }
func (v *BucketsView) DeleteButton() *widget.Button { return v.delBtn }

// CreateParts are the widgets of the New bucket dialog, for tests.
type CreateParts struct {
	Name   *widgets.EscEntry
	Region *widget.SelectEntry
	ACLs   *widget.Check
	Hint   *widget.Label
	Create *widget.Button
}

// CreateDialog is the open (or last opened) New bucket dialog, or nil.
func (v *BucketsView) CreateDialog() *CreateParts {
	d := v.create
	if d == nil {
		return nil
	}
	return &CreateParts{Name: d.name, Region: d.region, ACLs: d.acls, Hint: d.hint, Create: d.create}
}

// DeleteParts are the widgets of the delete-bucket dialog, for tests.
type DeleteParts struct {
	Summary     *widget.Label
	Confirm     *widgets.EscEntry // nil for an empty bucket
	Del, Cancel *widget.Button
	Result      *widget.Label
}

// DeleteDialog is the open (or last opened) delete-bucket dialog, or nil.
func (v *BucketsView) DeleteDialog() *DeleteParts {
	d := v.del
	if d == nil {
		return nil
	}
	return &DeleteParts{Summary: d.summary, Confirm: d.confirm, Del: d.del, Cancel: d.cancel, Result: d.result}
}
