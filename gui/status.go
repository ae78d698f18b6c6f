package gui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
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
		message:  widget.NewLabel(lang.L("Ready")),
		conn:     widget.NewLabel(""),
		idle:     lang.L("Ready"),
	}
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.conn.Importance = widget.LowImportance
	s.activity.Hide()
	s.box = container.NewBorder(nil, nil, s.activity, s.conn, s.message)
	return s
}

// Begin shows text with the spinner until the returned func is called. Call
// both on the UI goroutine.
func (s *statusBar) Begin(text string) (update func(string), end func()) {
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

// Say sets the text shown when nothing is running (the result of the last
// operation, for example "Deleted bucket photos").
func (s *statusBar) Say(text string) {
	s.idle = text
	s.render()
}

func (s *statusBar) render() {
	if n := len(s.tasks); n > 0 {
		t := s.tasks[n-1].text
		if n > 1 {
			t += fmt.Sprintf(lang.L("  (+%s more)"), strconv.Itoa(n-1))
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
