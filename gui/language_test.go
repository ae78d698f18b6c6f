package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/s3test"
)

// withLanguage starts the catalogues as main does, with the system locale
// env (LANG) and the Settings choice, and puts the test process's own
// language back afterwards (the cleanup runs after t.Setenv's).
func withLanguage(t *testing.T, env, choice string) {
	t.Helper()
	t.Cleanup(func() {
		_ = SetupLanguage("en") // undo an override of the tags below
		_ = SetupLanguage(LanguageSystem)
	})
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANG", env)
	if err := SetupLanguage(choice); err != nil {
		t.Fatal(err)
	}
}

// texts are the strings of every label, button and entry placeholder
// under o.
func texts(t *testing.T, o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.PlaceHolder)
		case *widget.Card:
			out = append(out, w.Title, w.Subtitle)
			if w.Content != nil {
				walk(w.Content)
			}
		case *widget.Form:
			for _, it := range w.Items {
				out = append(out, it.Text)
				walk(it.Widget)
			}
		case *widget.Select:
			out = append(out, w.Options...)
		case *widget.RadioGroup:
			out = append(out, w.Options...)
		case *widget.Check:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			if r := test.TempWidgetRenderer(t, w); r != nil {
				for _, c := range r.Objects() {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return out
}

// The main window in German: the menus, the side panel, the empty objects
// view and the status bar speak German, with the system locale de_DE.
func TestMainWindowInGerman(t *testing.T) {
	withLanguage(t, "de_DE.UTF-8", LanguageSystem)
	srv := s3test.StartFake(t)
	a := test.NewTempApp(t)
	mw := NewMainWindow(t.Context(), a, Deps{
		Sandbox: func(context.Context) (storage.Config, error) { return srv.Config(), nil },
	})
	mw.win.Resize(fyne.NewSize(1120, 720))
	t.Cleanup(func() { mw.wait(); mw.win.Close() })
	settle(t, mw)

	var menus []string
	for _, m := range mw.win.MainMenu().Items {
		menus = append(menus, m.Label)
	}
	if got, want := strings.Join(menus, " "), "Datei Bearbeiten Ansicht Gehe zu Hilfe"; got != want {
		t.Errorf("menus %q, want %q", got, want)
	}
	var file []string
	for _, it := range mw.win.MainMenu().Items[0].Items {
		file = append(file, it.Label)
	}
	if f := strings.Join(file, "|"); !strings.Contains(f, "Dateien hochladen…") || !strings.Contains(f, "Ordner hochladen…") {
		t.Errorf("File menu %q lacks German upload items", f)
	}
	var all string
	onUI(mw, func() { all = strings.Join(texts(t, mw.win.Content()), "|") })
	for _, want := range []string{"PROFILE", "Lokale Sandbox", "Kein Bucket geöffnet", "Wählen Sie links einen Bucket, um seine Dateien zu sehen.", "Übertragungen", "Fertige entfernen", "Zuletzt geändert"} {
		if !strings.Contains(all, want) {
			t.Errorf("window lacks %q; it shows %q", want, all)
		}
	}
	for _, english := range []string{"No bucket open", "PROFILES", "Transfers", "Local sandbox", "Last modified"} {
		if strings.Contains("|"+all+"|", "|"+english+"|") {
			t.Errorf("window still shows English %q", english)
		}
	}
	if got := mw.status.idle; got != "Bereit" && !strings.Contains(got, "Buckets") {
		t.Errorf("status %q, want German", got)
	}
}

// Numbers, sizes and dates follow the language: German separators and
// date order, English ones without a catalogue override.
func TestFormatsFollowTheLanguage(t *testing.T) {
	withLanguage(t, "de_DE.UTF-8", LanguageSystem)
	now := time.Date(2026, 3, 4, 18, 0, 0, 0, time.Local)
	cases := []struct{ got, want string }{
		{widgets.Count(12345, "file", "files"), "12.345 Dateien"},
		{widgets.Count(1, "file", "files"), "1 Datei"},
		{widgets.Bytes(1536), "1,5 KiB"},
		{widgets.FormatTime(now.Add(-2*time.Hour), now), "Heute 16:00"},
		{widgets.FormatTime(time.Date(2025, 12, 24, 9, 30, 0, 0, time.Local), now), "24.12.2025 09:30"},
		{widgets.FormatDate(time.Date(2025, 1, 2, 0, 0, 0, 0, time.Local)), "02.01.2025"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// Settings → Language overrides the system locale: French on a German
// system, and the choice is stored for the next start.
func TestLanguageChoiceOverridesTheSystem(t *testing.T) {
	withLanguage(t, "de_DE.UTF-8", "fr")
	if got := lang.L("Upload files…"); got != "Charger des fichiers…" {
		t.Errorf("with French chosen on a German system: %q", got)
	}
	if got := widgets.Count(3, "bucket", "buckets"); got != "3 compartiments" {
		t.Errorf("plural %q", got)
	}
	a := test.NewTempApp(t)
	v := NewSettingsView(a.Preferences(), nil, nil)
	if got := v.language.Options[0]; got != "Selon le système" {
		t.Errorf("first language choice %q", got)
	}
	v.language.SetSelected("Deutsch")
	v.Save()
	if got := LoadSettings(a.Preferences()).Language; got != "de" {
		t.Errorf("stored language %q (message %q)", got, v.Message())
	}
	s := DefaultSettings()
	s.Language = "tlh"
	if err := s.Validate(); err == nil {
		t.Error("an unknown language was accepted")
	}
}

// Without a choice the system locale decides, and an unknown locale falls
// back to English.
func TestSystemLocaleDecides(t *testing.T) {
	for env, want := range map[string]string{"es_ES.UTF-8": "Cargar archivos…", "pt_BR.UTF-8": "Enviar arquivos…", "ja_JP.UTF-8": "Upload files…", "C": "Upload files…"} {
		t.Run(env, func(t *testing.T) {
			withLanguage(t, env, LanguageSystem)
			if got := lang.L("Upload files…"); got != want {
				t.Errorf("%s: %q, want %q", env, got, want)
			}
		})
	}
}
