package browser

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/widgets"
	"s3desk/storage"
)

// propSettings is the part of the Properties dialog of one object that
// shows and changes its tags, storage class, archive restore and object
// lock; each is read in the background.
type propSettings struct {
	tags      *widget.Label
	tagsBtn   *widget.Button
	class     *widget.Label
	classBtn  *widget.Button
	restore   *widget.Label
	restBtn   *widget.Button
	lock      *widget.Label
	lockBtn   *widget.Button
	lockRow   *fyne.Container
	lockState lockState
	tagSet    map[string]string
}

// settingsSection builds the section for p's object; nil when the store
// has no object settings.
func (p *propsDialog) settingsSection() fyne.CanvasObject {
	v := p.v
	st := v.settings()
	if st == nil {
		return nil
	}
	s := &propSettings{}
	p.extra = s
	val := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	entry := storage.Entry{Key: p.info.Key, Name: p.info.Key, Size: p.info.Size, StorageClass: p.info.StorageClass, Restore: p.info.Restore}
	s.tags = val("Reading…")
	s.tagsBtn = widget.NewButton(lang.L("Edit tags…"), func() {
		v.editTags([]storage.Entry{entry}, func(t map[string]string) {
			s.tagSet = t
			s.tags.SetText(tagSummary(t))
		})
	})
	s.tagsBtn.Disable()
	s.class = val(storageClassName(p.info.StorageClass))
	s.classBtn = widget.NewButton(lang.L("Change storage class…"), func() {
		p.d.Hide()
		v.changeStorageClass([]storage.Entry{entry}, p.info.StorageClass)
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Tags"), container.NewBorder(nil, nil, nil, s.tagsBtn, s.tags)),
		widget.NewFormItem(lang.L("Storage class"), container.NewBorder(nil, nil, nil, s.classBtn, s.class)),
	)
	if enc := encryptionText(p.info); enc != "" {
		form.Append(lang.L("Encryption"), val(enc))
	}
	if storage.Archived(p.info.StorageClass) {
		s.restore = val(restoreText(p.info))
		s.restBtn = widget.NewButton(lang.L("Restore from archive…"), func() {
			v.restoreFromArchive([]storage.Entry{entry}, func() { s.restore.SetText(lang.L("Restore requested; it takes minutes to hours")) })
		})
		if p.info.Restore.Ongoing {
			s.restBtn.Disable()
		}
		form.Append(lang.L("Archive"), container.NewBorder(nil, nil, nil, s.restBtn, s.restore))
	}
	s.lock = val("")
	s.lockBtn = widget.NewButton(lang.L("Object lock…"), func() {
		v.editObjectLock(p.ref, s.lockState, func(ls lockState) {
			s.lockState = ls
			s.lock.SetText(lockText(ls))
		})
	})
	s.lockRow = container.NewBorder(nil, nil, nil, s.lockBtn, s.lock)
	lockItem := widget.NewFormItem(lang.L("Object lock"), s.lockRow)
	section := container.NewVBox(widget.NewSeparator(), form)
	ref := p.ref
	var (
		tags    map[string]string
		tagErr  error
		enabled bool
		ls      lockState
		lockErr error
	)
	v.background(func(ctx context.Context) error {
		tags, tagErr = st.ObjectTags(ctx, ref)
		enabled, lockErr = st.ObjectLockEnabled(ctx, ref.Bucket)
		if lockErr == nil && enabled {
			ls.retention, lockErr = st.ObjectRetention(ctx, ref)
			if lockErr == nil {
				ls.held, lockErr = st.ObjectLegalHold(ctx, ref)
			}
		}
		return nil
	}, func(error) {
		switch {
		case errors.Is(tagErr, storage.ErrNotImplemented):
			s.tags.SetText(lang.L("This server does not implement object tags"))
		case tagErr != nil:
			s.tags.SetText(widgets.Sentence(widgets.ErrorText(tagErr)))
			s.tagsBtn.Enable()
		default:
			s.tagSet = tags
			s.tags.SetText(tagSummary(tags))
			s.tagsBtn.Enable()
		}
		// Object lock shows only where the bucket has it.
		switch {
		case lockErr != nil && !errors.Is(lockErr, storage.ErrNotImplemented):
			s.lock.SetText(widgets.Sentence(widgets.ErrorText(lockErr)))
			s.lockBtn.Disable()
			form.AppendItem(lockItem)
		case lockErr == nil && enabled:
			s.lockState = ls
			s.lock.SetText(lockText(ls))
			form.AppendItem(lockItem)
		}
		section.Refresh()
		for _, o := range p.body.Objects {
			o.Refresh() // the scroll takes the section's new height
		}
	})
	return section
}

// encryptionText is the object's server-side encryption in words, "" when
// the server did not say.
func encryptionText(info storage.ObjectInfo) string {
	switch info.ServerSideEncryption {
	case "":
		return ""
	case "AES256":
		return "SSE-S3 (AES-256, keys managed by the service)"
	case "aws:kms", "aws:kms:dsse":
		kind := "SSE-KMS"
		if info.ServerSideEncryption == "aws:kms:dsse" {
			kind = "DSSE-KMS"
		}
		if info.KMSKeyID != "" {
			return fmt.Sprintf(lang.L("%s with key %s"), kind, info.KMSKeyID)
		}
		return kind
	}
	return info.ServerSideEncryption
}
