package transfers

import (
	"fmt"
	"s3desk/gui/widgets"
	"s3desk/storage/transfer"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fyne.io/fyne/v2/lang"
)

// How one transfer row looks: its widgets and its status text.

func (p *TransfersPanel) createRow() fyne.CanvasObject {
	icon := widget.NewIcon(theme.UploadIcon())
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBar()
	info := widget.NewLabel("")
	info.Truncation = fyne.TextTruncateEllipsis
	cancel := widget.NewButtonWithIcon("", theme.CancelIcon(), nil)
	retry := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), nil)
	return container.NewBorder(nil, nil, icon, container.NewHBox(cancel, retry),
		container.NewGridWithColumns(3, name, bar, info))
}

func (p *TransfersPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.view) {
		return
	}
	r := p.view[i]
	c := o.(*fyne.Container)
	mid := c.Objects[0].(*fyne.Container)
	icon := c.Objects[1].(*widget.Icon)
	btns := c.Objects[2].(*fyne.Container)
	if r.upload {
		icon.SetResource(theme.UploadIcon())
	} else {
		icon.SetResource(theme.DownloadIcon())
	}
	mid.Objects[0].(*widget.Label).SetText(r.name)
	bar := mid.Objects[1].(*widget.ProgressBar)
	if r.total > 0 {
		bar.SetValue(float64(r.done) / float64(r.total))
	} else if r.state == transfer.StateDone {
		bar.SetValue(1)
	} else {
		bar.SetValue(0)
	}
	mid.Objects[2].(*widget.Label).SetText(rowInfo(r))
	cancel, retry := btns.Objects[0].(*widget.Button), btns.Objects[1].(*widget.Button)
	id, resume := r.id, r.resume
	cancel.OnTapped = func() { p.cancel(id) }
	retry.OnTapped = func() { p.retry(id) }
	if resume != "" {
		cancel.SetIcon(theme.DeleteIcon())
	} else {
		cancel.SetIcon(theme.CancelIcon())
	}
	if r.state.Finished() && resume == "" {
		cancel.Disable()
	} else {
		cancel.Enable()
	}
	if r.retry != nil && (r.state == transfer.StateFailed || r.state == transfer.StateCancelled || r.state == transfer.StatePaused) {
		retry.Enable()
	} else {
		retry.Disable()
	}
}

// rowInfo is a row's status text.
func rowInfo(r transferRow) string {
	if r.planning {
		return lang.L("Planning… · Cancel (or Escape) stops it")
	}
	switch r.state {
	case transfer.StateQueued:
		return lang.L("Queued") + " · " + widgets.Bytes(uint64(max(r.total, 0)))
	case transfer.StateRunning:
		s := fmt.Sprintf(lang.L("%s of %s"), widgets.Bytes(uint64(r.done)), widgets.Bytes(uint64(max(r.total, 0))))
		if r.speed > 0 {
			s += fmt.Sprintf(lang.L(" · %s/s"), widgets.Bytes(uint64(r.speed)))
		}
		if r.eta >= 0 && r.speed > 0 {
			s += " · " + etaText(r.eta)
		}
		return s + retriesText(r.retries)
	case transfer.StateDone:
		s := lang.L("Done") + " · " + widgets.Bytes(uint64(r.total))
		if r.checked != "" {
			s += " · " + r.checked
		}
		if r.note != "" {
			s += " · " + r.note
		}
		return s + retriesText(r.retries)
	case transfer.StateSkipped:
		return fmt.Sprintf(lang.L("Skipped: %s"), r.reason)
	case transfer.StateFailed:
		return fmt.Sprintf(lang.L("Failed: %s"), r.reason) + retriesText(r.retries)
	case transfer.StateCancelled:
		return lang.L("Cancelled")
	case transfer.StatePaused:
		if r.resume != "" {
			return fmt.Sprintf(lang.L("Interrupted at %s of %s · Resume or discard"), widgets.Bytes(uint64(r.done)), widgets.Bytes(uint64(r.total)))
		}
		return lang.L("Paused · resumes on the next start")
	}
	return ""
}

func etaText(d time.Duration) string {
	switch {
	case d < time.Second:
		return lang.L("under a second left")
	case d < time.Minute:
		return fmt.Sprintf(lang.L("%ds left"), int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf(lang.L("%dm %02ds left"), int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf(lang.L("%dh %02dm left"), int(d.Hours()), int(d.Minutes())%60)
}

// retriesText tells how many requests were sent again ("" for none).
func retriesText(n int) string {
	if n <= 0 {
		return ""
	}
	return " · " + widgets.Count(n, "retry", "retries")
}
