package bucketconfig

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	bc "s3desk/storage/bucketconfig"
)

const (
	choiceSSES3  = "SSE-S3: keys managed by S3"
	choiceSSEKMS = "SSE-KMS: a key in AWS KMS"
)

// EncryptionTab sets the bucket's default encryption.
type EncryptionTab struct {
	*section
	choice    *widget.RadioGroup
	key       *widget.Entry
	bucketKey *widget.Check
	loaded    bc.Encryption
}

func newEncryptionTab(w *Window) *EncryptionTab {
	t := &EncryptionTab{}
	t.key = widget.NewEntry()
	t.key.SetPlaceHolder(lang.L("key ID, ARN or alias/name (empty: the AWS-managed key aws/s3)"))
	t.bucketKey = widget.NewCheck(lang.L("Use an S3 Bucket Key (fewer KMS requests, lower cost)"), nil)
	t.choice = widget.NewRadioGroup([]string{choiceSSES3, choiceSSEKMS}, func(string) { t.kmsControls() })
	form := container.NewVBox(t.choice, widget.NewForm(widget.NewFormItem(lang.L("KMS key"), t.key)), t.bucketKey)
	t.section = newSection(w, "Default encryption is how S3 encrypts new objects that arrive without an encryption header. Existing objects keep theirs.", form)
	t.fetch = func(ctx context.Context) (func(), error) {
		e, err := w.store.Encryption(ctx, w.bucket)
		return func() { t.loaded = e; t.show(e) }, err
	}
	t.revert = func() { t.show(t.loaded) }
	t.collect = func() (func(ctx context.Context) error, error) {
		e := t.Chosen()
		if e.Algorithm == bc.NoEncryption {
			return nil, errors.New("choose SSE-S3 or SSE-KMS")
		}
		if err := e.Validate(); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.store.PutEncryption(ctx, w.bucket, e) }, nil
	}
	return t
}

func (t *EncryptionTab) show(e bc.Encryption) {
	switch e.Algorithm {
	case bc.SSES3:
		t.choice.SetSelected(choiceSSES3)
	case bc.SSEKMS:
		t.choice.SetSelected(choiceSSEKMS)
	default:
		t.choice.SetSelected("")
	}
	t.key.SetText(e.KMSKeyID)
	t.bucketKey.SetChecked(e.BucketKey)
	t.kmsControls()
}

func (t *EncryptionTab) kmsControls() {
	if t.choice.Selected == choiceSSEKMS {
		t.key.Enable()
		t.bucketKey.Enable()
	} else {
		t.key.Disable()
		t.bucketKey.Disable()
	}
}

// Chosen is the encryption the controls show.
func (t *EncryptionTab) Chosen() bc.Encryption {
	switch t.choice.Selected {
	case choiceSSES3:
		return bc.Encryption{Algorithm: bc.SSES3}
	case choiceSSEKMS:
		return bc.Encryption{Algorithm: bc.SSEKMS, KMSKeyID: strings.TrimSpace(t.key.Text), BucketKey: t.bucketKey.Checked}
	}
	return bc.Encryption{}
}

// Choose sets the controls to e (as clicks would).
func (t *EncryptionTab) Choose(e bc.Encryption) { t.show(e) }

// ObjectLockTab sets the default retention of a bucket with object lock.
type ObjectLockTab struct {
	*section
	none   *widget.Label
	mode   *widget.RadioGroup
	period *widget.Entry
	unit   *widget.Select
	box    *fyne.Container
	loaded bc.ObjectLock
}

const (
	modeNone       = "No default retention"
	modeGovernance = "Governance: users with special permission can still delete"
	modeCompliance = "Compliance: nobody can delete until it ends"
)

func newObjectLockTab(w *Window) *ObjectLockTab {
	t := &ObjectLockTab{}
	t.none = widget.NewLabel("")
	t.none.Wrapping = fyne.TextWrapWord
	t.mode = widget.NewRadioGroup([]string{modeNone, modeGovernance, modeCompliance}, nil)
	t.period = widget.NewEntry()
	t.period.SetPlaceHolder(lang.L("number"))
	t.unit = widget.NewSelect([]string{lang.L("days"), lang.L("years")}, nil)
	t.unit.SetSelected(lang.L("days"))
	t.box = container.NewVBox(t.mode, container.NewGridWithColumns(2, t.period, t.unit))
	form := container.NewVBox(t.none, t.box)
	t.section = newSection(w, "Object lock keeps objects from being deleted or overwritten for a retention period. A bucket has it only if it was created with it.", form)
	t.fetch = func(ctx context.Context) (func(), error) {
		l, err := w.store.ObjectLock(ctx, w.bucket)
		return func() { t.loaded = l; t.show(l) }, err
	}
	t.revert = func() { t.show(t.loaded) }
	t.collect = func() (func(ctx context.Context) error, error) {
		if !t.loaded.Enabled {
			return nil, errors.New("this bucket was created without object lock, so it has no retention to set")
		}
		l, err := t.Chosen()
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.store.PutObjectLockRetention(ctx, w.bucket, l) }, nil
	}
	return t
}

func (t *ObjectLockTab) show(l bc.ObjectLock) {
	if !l.Enabled {
		t.none.SetText(lang.L("This bucket was created without object lock: there is no retention to set. Object lock is chosen when a bucket is created (it also turns versioning on)."))
		t.box.Hide()
		t.save.Disable()
		t.cancel.Disable()
		return
	}
	t.none.SetText(lang.L("Object lock is on. New objects get this retention unless the upload sets its own."))
	t.box.Show()
	switch l.Mode {
	case bc.Governance:
		t.mode.SetSelected(modeGovernance)
	case bc.Compliance:
		t.mode.SetSelected(modeCompliance)
	default:
		t.mode.SetSelected(modeNone)
	}
	t.period.SetText("")
	switch {
	case l.Years > 0:
		t.period.SetText(strconv.Itoa(l.Years))
		t.unit.SetSelected(lang.L("years"))
	case l.Days > 0:
		t.period.SetText(strconv.Itoa(l.Days))
		t.unit.SetSelected(lang.L("days"))
	}
}

// Chosen is the retention the controls show.
func (t *ObjectLockTab) Chosen() (bc.ObjectLock, error) {
	l := bc.ObjectLock{Enabled: true}
	switch t.mode.Selected {
	case modeGovernance:
		l.Mode = bc.Governance
	case modeCompliance:
		l.Mode = bc.Compliance
	default:
		return l, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(t.period.Text))
	if err != nil || n <= 0 {
		return l, errors.New("give the retention period as a whole number of days or years")
	}
	if t.unit.Selected == lang.L("years") {
		l.Years = n
	} else {
		l.Days = n
	}
	return l, l.Validate()
}

// Choose sets the controls to l (as clicks would).
func (t *ObjectLockTab) Choose(l bc.ObjectLock) {
	l.Enabled = t.loaded.Enabled
	t.show(l)
}
