package accounts

import (
	"slices"
	"testing"

	"s3desk/storage/profiles"
)

// Every preset's help line is in presetHelp, so the catalogue has it.
func TestPresetHelpIsCatalogued(t *testing.T) {
	for _, p := range profiles.Presets() {
		if p.Help != "" && !slices.Contains(presetHelp, p.Help) {
			t.Errorf("preset %s: help %q is not in presetHelp (gui/accounts/presettexts.go)", p.Label, p.Help)
		}
	}
}
