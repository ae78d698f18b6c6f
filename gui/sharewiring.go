package gui

import "s3desk/gui/sharing"

// sharer is the main window's sharing.Sharer, made on first use. Call on the UI
// goroutine.
func (mw *MainWindow) sharer() *sharing.Sharer {
	if mw.share == nil {
		mw.share = sharing.NewSharer(mw.win, mw.jobs, func() sharing.ShareStore {
			if s := mw.service(); s != nil {
				return s.Sharing
			}
			return nil
		}, func() string { return mw.profile }, nil)
		mw.share.SetConn(mw.jobs.Ctx)
		mw.share.DefaultExpiry = LoadSettings(mw.app.Preferences()).PresignExpiry
	}
	return mw.share
}
