package gui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
)

// statusBar is the strip at the bottom of the main window: a spinner while
// any long operation runs, the newest activity in words, and on the right
// the connection ("Local sandbox · http://127.0.0.1:7070").
type statusBar struct {
	activity *widget.Activity
	message  *widget.Label
	conn     *widget.Label
	box      *fyne.Container

	next  int
	tasks []statusTask // running, oldest first
	idle  string       // shown when nothing runs
}

type statusTask struct {
	id   int
	text string
}

func newStatusBar() *statusBar {
	s := &statusBar{
		activity: widget.NewActivity(),
		message:  widget.NewLabel("Ready"),
		conn:     widget.NewLabel(""),
		idle:     "Ready",
	}
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.conn.Importance = widget.LowImportance
	s.activity.Hide()
	s.box = container.NewBorder(nil, nil, s.activity, s.conn, s.message)
	return s
}

// begin shows text with the spinner until the returned func is called. Call
// both on the UI goroutine.
func (s *statusBar) begin(text string) (update func(string), end func()) {
	s.next++
	id := s.next
	s.tasks = append(s.tasks, statusTask{id: id, text: text})
	s.render()
	update = func(t string) {
		for i := range s.tasks {
			if s.tasks[i].id == id {
				s.tasks[i].text = t
			}
		}
		s.render()
	}
	end = func() {
		for i := range s.tasks {
			if s.tasks[i].id == id {
				s.tasks = append(s.tasks[:i], s.tasks[i+1:]...)
				break
			}
		}
		s.render()
	}
	return update, end
}

// say sets the text shown when nothing is running (the result of the last
// operation, for example "Deleted bucket photos").
func (s *statusBar) say(text string) {
	s.idle = text
	s.render()
}

func (s *statusBar) render() {
	if n := len(s.tasks); n > 0 {
		t := s.tasks[n-1].text
		if n > 1 {
			t += "  (+" + itoa(n-1) + " more)"
		}
		s.message.SetText(t)
		s.activity.Show()
		s.activity.Start()
		return
	}
	s.activity.Stop()
	s.activity.Hide()
	s.message.SetText(s.idle)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// errorText is the sentence shown to a person for err: the storage error's
// own plain text, never a stack or a raw XML body. It returns "" for a
// cancellation the user asked for.
func errorText(err error) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return ""
	}
	var se *storage.Error
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Error()
	}
	// Keep one readable line: no XML bodies, no multi-line dumps.
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, "<?xml"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	if msg == "" {
		msg = "something went wrong"
	}
	return msg
}

// sentence capitalises the first letter, for a message that stands alone.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// showError shows err in a dialog titled title, unless it is a cancellation.
func showError(win fyne.Window, title string, err error) {
	text := errorText(err)
	if text == "" {
		return
	}
	l := widget.NewLabel(sentence(text))
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", container.NewGridWrap(fyne.NewSize(420, l.MinSize().Height*3), l), win)
	d.Show()
}

// fitDialog sizes d to width and to the height its content needs now (a
// wrapped message may have grown).
func fitDialog(d dialog.Dialog, width float32) {
	min := d.MinSize()
	d.Resize(fyne.NewSize(max(width, min.Width), min.Height))
}
