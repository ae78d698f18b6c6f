package gui

import (
	"context"

	"s3desk/gui/browser"
	"s3desk/gui/preview"
	"s3desk/gui/sharing"
	"s3desk/gui/transfers"
	"s3desk/storage"
	spreview "s3desk/storage/preview"
	"s3desk/storage/report"
	"s3desk/storage/share"
	"s3desk/storage/transfer"
)

// Service is the connected account as the shell hands it to the features:
// the union of the interfaces each feature declares. *storage.Service
// satisfies it; Deps.Connect returns it, so tests can give a fake.
type Service interface {
	browser.ObjectStore
	BucketStore
	sharing.ShareStore
	preview.CombineStore
	preview.PreviewStore
	transfers.IncompleteStore
	NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
	Endpoint() string
}

// connectStorage is the default Deps.Connect: a storage service with its
// features.
func connectStorage(ctx context.Context, cfg storage.Config) (Service, error) {
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return newAccount(svc), nil
}

// account is one connected service with the storage features the views
// use: the core (objects, buckets, uploads in progress) embedded, and
// sharing with reports, previews and transfer engines beside it.
type account struct {
	*storage.Service
	reports  *report.Service // embeds sharing
	previews *spreview.Previewer
	engines  *transfer.Service
}

func newAccount(svc *storage.Service) *account {
	return &account{Service: svc, reports: report.New(svc), previews: spreview.New(svc), engines: transfer.New(svc)}
}

func (a *account) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error) {
	return a.engines.NewEngine(ctx, dataDir, opts)
}

func (a *account) Preview(ctx context.Context, bucket, key string) (*spreview.Preview, error) {
	return a.previews.Preview(ctx, bucket, key)
}

func (a *account) SaveToOpen(ctx context.Context, bucket, key, dir string, progress func(written int64)) (string, error) {
	return a.previews.SaveToOpen(ctx, bucket, key, dir, progress)
}

func (a *account) PresignGet(ctx context.Context, bucket, key string, opts share.ShareOptions) (share.SharedLink, error) {
	return a.reports.PresignGet(ctx, bucket, key, opts)
}

func (a *account) PresignPut(ctx context.Context, bucket, key string, opts share.ShareOptions) (share.SharedLink, error) {
	return a.reports.PresignPut(ctx, bucket, key, opts)
}

func (a *account) PublicURL(bucket, key string) (string, error) { return a.reports.PublicURL(bucket, key) }

func (a *account) VerifyPublic(ctx context.Context, url string) (share.PublicCheck, error) {
	return a.reports.VerifyPublic(ctx, url)
}

func (a *account) MakePublic(ctx context.Context, bucket, target string, opts share.PublicOptions) (share.PublicResult, error) {
	return a.reports.MakePublic(ctx, bucket, target, opts)
}

func (a *account) MakePrivate(ctx context.Context, bucket, target string, opts share.PrivateOptions) (share.PrivateResult, error) {
	return a.reports.MakePrivate(ctx, bucket, target, opts)
}

func (a *account) WebsiteURL(ctx context.Context, bucket, key string) (string, error) {
	return a.reports.WebsiteURL(ctx, bucket, key)
}

func (a *account) BuildIndex(ctx context.Context, bucket string, opts report.IndexOptions) (report.IndexPage, error) {
	return a.reports.BuildIndex(ctx, bucket, opts)
}

func (a *account) PublishIndex(ctx context.Context, page report.IndexPage, opts report.PublishOptions) (report.PublishedIndex, error) {
	return a.reports.PublishIndex(ctx, page, opts)
}

func (a *account) CombineCSV(ctx context.Context, bucket string, opts report.CombineOptions) (*report.CSVReport, error) {
	return a.reports.CombineCSV(ctx, bucket, opts)
}

func (a *account) PublishReport(ctx context.Context, r *report.CSVReport, opts report.ReportPublishOptions) (report.PublishedReport, error) {
	return a.reports.PublishReport(ctx, r, opts)
}

// engineMaker gives the transfers panel the service's engine as the
// interface the panel declares.
type engineMaker struct{ svc Service }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (transfers.TransferEngine, error) {
	e, err := m.svc.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err // a nil interface, not a nil *transfer.Engine
	}
	return e, nil
}

func (m engineMaker) ListMultipartUploads(ctx context.Context, bucket, prefix string) ([]storage.MultipartUpload, error) {
	return m.svc.ListMultipartUploads(ctx, bucket, prefix)
}

func (m engineMaker) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	return m.svc.AbortMultipartUpload(ctx, bucket, key, uploadID)
}
