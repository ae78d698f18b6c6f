package gui

import (
	"s3desk/gui/versions"
	"s3desk/storage"
)

// versionsPane is the objects view's "Show versions" pane, on the connected
// account's versions store; a version's download goes to the transfers.
func (mw *MainWindow) versionsPane() *versions.Pane {
	p := versions.NewPane(mw.win, mw.jobs, func() versions.Store {
		if s := mw.service(); s != nil {
			return s.Versions
		}
		return nil
	}, versions.Actions{
		Download: func(bucket string, entries []storage.Entry) { mw.xfer.Download(bucket, entries) },
	})
	p.LinkExpiry = LoadSettings(mw.app.Preferences()).PresignExpiry
	return p
}
