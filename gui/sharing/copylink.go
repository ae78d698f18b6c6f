package sharing

import (
	"fmt"
	"fyne.io/fyne/v2/lang"
	"strings"
	"time"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/ledger"
	"s3desk/storage/share"
)

// CopyLink is Edit → Copy link (Ctrl+L): it presigns a download link for
// each selected file with the default expiry, copies the links to the
// clipboard (one a line) and records them in the Links view, without
// opening the Share dialog. Folders are left out. done gets a sentence for
// the status bar, on the UI goroutine. Call on the UI goroutine.
func (sh *Sharer) CopyLink(bucket string, entries []storage.Entry, done func(msg string)) {
	var files []storage.Entry
	for _, e := range entries {
		if !e.IsFolder {
			files = append(files, e)
		}
	}
	if len(files) == 0 {
		done(lang.L("Select one or more files to copy a link (folders have no link; use Share… to make an upload link)."))
		return
	}
	store := sh.store()
	if store == nil {
		done(lang.L("Not connected."))
		return
	}
	expiry, prof := sh.DefaultExpiry, sh.profile()
	if err := share.ValidateExpiry(expiry); err != nil {
		expiry = time.Hour
	}
	ctx := sh.jobs.Ctx()
	sh.jobs.Go(func() {
		var urls []string
		var last share.SharedLink
		var err error
		var recNote string
		for _, f := range files {
			var l share.SharedLink
			if l, err = store.PresignGet(ctx, bucket, f.Key, share.ShareOptions{Expiry: expiry}); err != nil {
				break
			}
			last = l
			urls = append(urls, l.URL)
			if n := sh.record(ctx, ledger.Link{Kind: ledger.Presigned, Profile: prof, Bucket: bucket, Key: f.Key, URL: l.URL,
				Created: l.Created, Expires: l.Expires, Why: l.Why}); n != "" {
				recNote = n
			}
		}
		sh.jobs.Do(func() {
			if err != nil {
				done(fmt.Sprintf(lang.L("Could not make the link: %s"), widgets.ErrorText(err)))
				return
			}
			sh.clip.SetContent(strings.Join(urls, "\n"))
			what := fmt.Sprintf(lang.L("the link to “%s”"), files[0].Name)
			if len(urls) > 1 {
				what = fmt.Sprintf(lang.L("%d links"), len(urls))
			}
			done(fmt.Sprintf(lang.L("Copied %s. It works until %s."), what, whenText(last.Expires, time.Now())) + recNote)
		})
	})
}
