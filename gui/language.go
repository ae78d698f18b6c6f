package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"s3desk/assets"
	"s3desk/storage/profiles"
)

// LanguageSystem follows the system locale; the other choices are the
// catalogues in assets/lang.
const LanguageSystem = "system"

// languages are the Language choices in Settings, each in its own words.
var languages = []struct{ Code, Name string }{
	{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}, {"es", "Español"}, {"pt_BR", "Português (Brasil)"},
}

// SetupLanguage loads the catalogues and makes choice (a code such as "de",
// or LanguageSystem) the language of every string created from now on.
// Fyne has no call to pick a language: it matches the system locale against
// the catalogues it holds. So a choice is registered under the system's
// locale, and under English (the fallback when nothing matches), which
// makes it the match. Widgets already built keep their text: a new choice
// shows at the next start.
func SetupLanguage(choice string) error {
	if err := lang.AddTranslationsFS(assets.Translations, "lang"); err != nil {
		return err
	}
	if choice == "" || choice == LanguageSystem {
		return nil
	}
	data, err := assets.Translations.ReadFile("lang/" + choice + ".json")
	if err != nil {
		return fmt.Errorf("no translation for %q", choice)
	}
	for _, l := range []fyne.Locale{lang.SystemLocale(), "en"} {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return err
		}
	}
	return nil
}

// languageLabels are the Language choices as shown: System first.
func languageLabels() []string {
	out := []string{lang.L("Follow the system")}
	for _, l := range languages {
		out = append(out, l.Name)
	}
	return out
}

func languageLabel(code string) string {
	for _, l := range languages {
		if l.Code == code {
			return l.Name
		}
	}
	return lang.L("Follow the system")
}

func languageCode(label string) string {
	for _, l := range languages {
		if l.Name == label {
			return l.Code
		}
	}
	return LanguageSystem
}

func validLanguage(code string) bool {
	if code == LanguageSystem {
		return true
	}
	for _, l := range languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// profileLabel is a profile's name as shown: the built-in sandbox's is
// the app's, in the user's language; a saved profile's is the user's.
func profileLabel(name string) string {
	if name == profiles.SandboxName {
		return lang.L("Local sandbox")
	}
	return name
}
