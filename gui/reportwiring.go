package gui

import (
	"context"

	reportgui "s3desk/gui/report"
	"s3desk/storage"
	"s3desk/storage/profiles"
	"s3desk/storage/report"
)

// reportStore is the monthly report wizard's part of an account: the
// report service, and the bucket's website address.
type reportStore struct {
	*report.Service
}

// WebsiteURL is the bucket's static-website address ("" without website
// hosting, or where the service has no website endpoint).
func (r reportStore) WebsiteURL(ctx context.Context, bucket string) (string, error) {
	return r.Service.Service.WebsiteURL(ctx, bucket, "")
}

func newReportStore(svc *storage.Service) reportgui.Store { return reportStore{report.New(svc)} }

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
