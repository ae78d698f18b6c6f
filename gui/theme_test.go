package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// The app follows the system's light or dark variant unless Settings force
// one.
func TestThemeFollowsSystemUnlessForced(t *testing.T) {
	a := test.NewTempApp(t)
	bg := func(v string) (light, dark any) {
		ApplyTheme(a, v)
		th := a.Settings().Theme()
		return th.Color(theme.ColorNameBackground, theme.VariantLight), th.Color(theme.ColorNameBackground, theme.VariantDark)
	}
	sysLight, sysDark := bg(ThemeSystem)
	if sysLight == sysDark {
		t.Fatal("following the system, light and dark look the same")
	}
	if l, d := bg(ThemeDark); l != sysDark || d != sysDark {
		t.Fatalf("forced dark gives %v / %v, want %v", l, d, sysDark)
	}
	if l, d := bg(ThemeLight); l != sysLight || d != sysLight {
		t.Fatalf("forced light gives %v / %v, want %v", l, d, sysLight)
	}
	if l, d := bg(ThemeSystem); l != sysLight || d != sysDark {
		t.Fatal("back to the system theme does not follow the variant again")
	}
	// What main applies at startup comes from the saved setting.
	s := LoadSettings(a.Preferences())
	s.Theme = ThemeLight
	if err := s.Save(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if l, d := bg(LoadSettings(a.Preferences()).Theme); l != d {
		t.Fatal("the saved Light choice is not applied")
	}
}
