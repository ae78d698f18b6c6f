package transfers

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"s3desk/storage"
)

// The encryption choice of "Upload with options…": the bucket's default,
// SSE-S3, SSE-KMS with a key ID, or SSE-C with a key the user pastes. The
// SSE-C key stays in this dialog's entry and the engine's memory only.

const (
	encDefault  = "Bucket default"
	encS3       = "SSE-S3 (keys managed by the service)"
	encKMS      = "SSE-KMS (a KMS key)"
	encCustomer = "SSE-C (your own key)"
)

// encryptionChoice is the encryption part of the dialog.
type encryptionChoice struct {
	Mode   *widget.Select
	KMSKey *widget.Entry
	Key    *widget.Entry // SSE-C, a password entry
	hint   *widget.Label
	box    *fyne.Container
}

func newEncryptionChoice(changed func()) *encryptionChoice {
	e := &encryptionChoice{}
	e.KMSKey = widget.NewEntry()
	e.KMSKey.SetPlaceHolder(lang.L("key ID, key ARN or alias/name (empty: the aws/s3 key)"))
	e.KMSKey.OnChanged = func(string) { changed() }
	e.Key = widget.NewPasswordEntry()
	e.Key.SetPlaceHolder(lang.L("256-bit key: base64 (44 characters) or 32 characters"))
	e.Key.OnChanged = func(string) { changed() }
	e.hint = widget.NewLabel("")
	e.hint.Wrapping = fyne.TextWrapWord
	e.hint.Importance = widget.LowImportance
	e.hint.SizeName = theme.SizeNameCaptionText
	e.box = container.NewVBox()
	e.Mode = widget.NewSelect([]string{encDefault, encS3, encKMS, encCustomer}, func(string) {
		e.layout()
		changed()
	})
	e.Mode.SetSelected(encDefault)
	return e
}

// layout shows the field the mode needs.
func (e *encryptionChoice) layout() {
	var objs []fyne.CanvasObject
	switch e.Mode.Selected {
	case encKMS:
		e.hint.SetText(lang.L("The service encrypts each file with this KMS key; reading it needs kms:Decrypt on the key."))
		objs = []fyne.CanvasObject{e.KMSKey, e.hint}
	case encCustomer:
		e.hint.SetText(lang.L("S3 keeps only a hash of this key: every download or preview of these files needs it again, and a lost key means lost files. S3 Desk keeps it in memory only, never on disk or in logs."))
		objs = []fyne.CanvasObject{e.Key, e.hint}
	case encS3:
		e.hint.SetText(lang.L("The service encrypts each file with keys it manages (AES-256)."))
		objs = []fyne.CanvasObject{e.hint}
	}
	e.box.Objects = objs
	e.box.Refresh()
}

// choice is the chosen encryption, or the problem in words.
func (e *encryptionChoice) choice() (storage.ObjectEncryption, string) {
	switch e.Mode.Selected {
	case encS3:
		return storage.ObjectEncryption{Mode: storage.SSES3}, ""
	case encKMS:
		enc := storage.ObjectEncryption{Mode: storage.SSEKMS, KMSKeyID: strings.TrimSpace(e.KMSKey.Text)}
		if err := enc.Validate(); err != nil {
			return enc, "The KMS key ID must not contain spaces; paste a key ID, key ARN or alias/name."
		}
		return enc, ""
	case encCustomer:
		key, err := storage.ParseCustomerKey(e.Key.Text)
		if err != nil {
			return storage.ObjectEncryption{}, "SSE-C needs a 256-bit key: paste it as base64 (44 characters) or as exactly 32 characters."
		}
		return storage.CustomerKey(key), ""
	}
	return storage.ObjectEncryption{}, ""
}
