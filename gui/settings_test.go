package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestSettingsDefaultsAreValid(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
}

func TestSettingsValidation(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Settings)
		want string
	}{
		{"zero concurrency", func(s *Settings) { s.Concurrency = 0 }, "concurrency"},
		{"small part", func(s *Settings) { s.PartSizeMiB = 4 }, "part size"},
		{"over the memory budget", func(s *Settings) { s.Concurrency, s.PartSizeMiB = 64, 5120 }, "lower the part size"},
		{"too many parts in flight", func(s *Settings) { s.Concurrency, s.PartSizeMiB = 12, 16 }, "lower the concurrency to 4 or less"},
		{"negative bandwidth", func(s *Settings) { s.BandwidthMiBps = -1 }, "bandwidth"},
		{"long expiry", func(s *Settings) { s.PresignExpiry = 8 * 24 * time.Hour }, "7 days"},
		{"bad conflict", func(s *Settings) { s.Conflict = "merge" }, "conflict"},
		{"bad theme", func(s *Settings) { s.Theme = "pink" }, "theme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			c.mod(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want error mentioning %q, got %v", c.want, err)
			}
		})
	}
}

func TestSettingsPersistThroughPreferences(t *testing.T) {
	a := test.NewTempApp(t)
	s := DefaultSettings()
	s.Concurrency = 8
	s.PartSizeMiB = 8
	s.BandwidthMiBps = 5
	s.Conflict = ConflictKeepBoth
	s.PresignExpiry = 24 * time.Hour
	s.ShowHidden = true
	s.Theme = ThemeDark
	s.Compatibility = map[string]string{"r2 work": CompatOn}
	if err := s.Save(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	got := LoadSettings(a.Preferences())
	if got.Concurrency != 8 || got.PartSizeMiB != 8 || got.BandwidthMiBps != 5 || got.Conflict != ConflictKeepBoth ||
		got.PresignExpiry != 24*time.Hour || !got.ShowHidden || got.Theme != ThemeDark {
		t.Fatalf("round trip lost values: %+v", got)
	}
	if on, ok := got.CompatibilityFor("r2 work"); !ok || !on {
		t.Fatalf("compat override lost: %+v", got.Compatibility)
	}
	if _, ok := got.CompatibilityFor("other"); ok {
		t.Fatal("a profile without override must follow its preset")
	}
}

func TestSettingsViewRefusesBadValuesAndStoresNothing(t *testing.T) {
	a := test.NewTempApp(t)
	saved := 0
	v := NewSettingsView(a.Preferences(), []string{"minio"}, func(Settings) { saved++ })
	w := test.NewWindow(v.CanvasObject())
	defer w.Close()

	v.concurrency.SetText("0")
	v.partSize.SetText("3")
	test.Tap(v.save)
	if saved != 0 {
		t.Fatal("invalid settings were saved")
	}
	if msg := v.Message(); !strings.Contains(msg, "concurrency") || !strings.Contains(msg, "part size") {
		t.Fatalf("message should name both problems, got %q", msg)
	}
	if got := LoadSettings(a.Preferences()); got.Concurrency != DefaultSettings().Concurrency {
		t.Fatalf("a refused value reached the preferences: %d", got.Concurrency)
	}

	v.concurrency.SetText("4")
	v.partSize.SetText("8")
	v.compat["minio"].SetSelected(compatLabels()[CompatOff])
	test.Tap(v.save)
	if saved != 1 || v.Message() != "Settings saved." {
		t.Fatalf("valid settings not saved: saved=%d msg=%q", saved, v.Message())
	}
	got := LoadSettings(a.Preferences())
	if got.Concurrency != 4 || got.PartSizeMiB != 8 || got.Compatibility["minio"] != CompatOff {
		t.Fatalf("stored %+v", got)
	}
}
