package sharing

import "time"

// These drive an open Share dialog as a person would, for the shell's
// tests and screenshots. Call them on the UI goroutine.

// SetExpiry chooses the preset lifetime d.
func (d *ShareDialog) SetExpiry(dur time.Duration) { d.expiry.SetSelected(ExpiryLabel(dur)) }

// SetNote types the note kept with the link.
func (d *ShareDialog) SetNote(s string) { d.note.SetText(s) }

// Copy presses "Copy link" when it is enabled.
func (d *ShareDialog) Copy() {
	if d.copyBtn.Visible() && !d.copyBtn.Disabled() && d.copyBtn.OnTapped != nil {
		d.copyBtn.OnTapped()
	}
}

// Hide closes the dialog.
func (d *ShareDialog) Hide() { d.dlg.Hide() }
