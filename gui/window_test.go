package gui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// A profile whose connection fails shows why in the buckets panel, in words.
func TestConnectErrorIsShownInPlainWords(t *testing.T) {
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) {
			return storage.Config{}, errors.New("sandbox: the data folder is in use by another S3 Desk")
		},
	})
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	if mw.service() != nil {
		t.Fatal("connected despite the error")
	}
	want := "Could not connect to Local sandbox: sandbox: the data folder is in use by another S3 Desk"
	if got := mw.buckets.Message().Text; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if mw.buckets.AddButton().Disabled() == false {
		t.Error("New bucket enabled without a connection")
	}
}

func TestResetSandboxFromItsContextMenu(t *testing.T) {
	srv := s3test.StartVersity(t)
	resets := 0
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) { return srv.Config(), nil },
		ResetSandbox: func(context.Context) error {
			resets++
			return nil
		},
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)
	onUI(mw, func() {
		rightClickRow(t, mw.profiles.List(), "Local sandbox")
		tapMenuItem(t, mw.win.Canvas(), "Reset sample data…")
	})
	if mw.profiles.Confirm() == nil {
		t.Fatal("no confirmation before the reset")
	}
	mw.profiles.Confirm().Dismiss()
	settle(t, mw)
	if resets != 0 {
		t.Fatal("reset without consent")
	}
	onUI(mw, func() {
		rightClickRow(t, mw.profiles.List(), "Local sandbox")
		tapMenuItem(t, mw.win.Canvas(), "Reset sample data…")
		mw.profiles.Confirm().Confirm()
	})
	settle(t, mw)
	if resets != 1 || mw.service() == nil {
		t.Fatalf("resets %d, connected %v", resets, mw.service() != nil)
	}
	if !strings.Contains(mw.status.idle, "sample data") {
		t.Errorf("status %q", mw.status.idle)
	}
}
