package gui

import (
	"context"
	"errors"

	reportgui "s3desk/gui/report"
	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/report"
)

// reportStore is the monthly report wizard's part of an account: the
// report service, and the bucket's website hosting (storage/website.go).
type reportStore struct {
	*report.Service
	svc *storage.Service
}

// SiteAddress is the bucket's static-website address and whether hosting
// is on; "" where the provider serves no websites.
func (r reportStore) SiteAddress(ctx context.Context, bucket string) (string, bool, error) {
	addr, err := r.svc.WebsiteURL(ctx, bucket)
	if errors.Is(err, storage.ErrNoWebsiteEndpoint) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	on, err := r.svc.HasWebsite(ctx, bucket)
	if err != nil {
		return "", false, err
	}
	return addr, on, nil
}

// EnableSite turns the bucket's website hosting on (index.html), keeping
// an error document or routing rules set elsewhere.
func (r reportStore) EnableSite(ctx context.Context, bucket string) error {
	c, err := r.svc.Website(ctx, bucket)
	if err != nil {
		return err
	}
	if c.RedirectAllTo != nil {
		return &storage.Error{Op: "turn on website hosting", Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: "the bucket's website redirects every request elsewhere; change that in its settings first"}
	}
	if c.IndexDocument == "" {
		c.IndexDocument = "index.html"
	}
	return r.svc.PutWebsite(ctx, bucket, c)
}

func newReportStore(svc *storage.Service) reportgui.Store { return reportStore{report.New(svc), svc} }

// reportDefinitions opens the saved reports beside the profiles file.
func (mw *MainWindow) reportDefinitions() (reportgui.Definitions, error) {
	dir := ""
	if d, ok := mw.deps.Profiles.(interface{ Dir() string }); ok {
		dir = d.Dir()
	}
	if dir == "" {
		var err error
		if dir, err = profiles.DefaultDir(); err != nil {
			return nil, err
		}
	}
	defs, err := report.OpenDefinitions(dir)
	if err != nil {
		return nil, err
	}
	return defs, nil
}

// combineCSV is the objects view's "Combine CSVs…": the monthly report
// wizard on the selection, or on the open folder when nothing is selected.
func (mw *MainWindow) combineCSV(bucket, prefix string, entries []storage.Entry) {
	svc := mw.service()
	if svc == nil || svc.Report == nil {
		return
	}
	defs, err := mw.reportDefinitions()
	reportgui.Open(mw.app, svc.Report, mw.jobs, reportgui.Options{Bucket: bucket, Prefix: prefix, Entries: entries,
		Profile: mw.profile, Definitions: defs, DefsErr: err})
}
