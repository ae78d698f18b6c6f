package accounts

import (
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage/profiles"
)

// newPlaceFields builds the profile form's optional default bucket and
// folder, opened when the profile connects: for an account that may read
// one bucket but not list its buckets, this is where it starts.
func (f *profileForm) newPlaceFields(p *profiles.Profile) {
	f.defBucket = widget.NewEntry()
	f.defBucket.SetPlaceHolder(lang.L("bucket (optional)"))
	f.defPrefix = widget.NewEntry()
	f.defPrefix.SetPlaceHolder(lang.L("folder (optional), e.g. reports/2026/"))
	if p != nil {
		f.defBucket.SetText(p.DefaultBucket)
		f.defPrefix.SetText(p.DefaultPrefix)
	}
}
