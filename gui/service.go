package gui

import (
	"context"

	"s3desk/gui/browser"
	"s3desk/gui/preview"
	"s3desk/gui/sharing"
	"s3desk/gui/transfers"
	"s3desk/storage"
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
	NewEngine(ctx context.Context, dataDir string, opts storage.TransferOptions) (*storage.Engine, error)
	Endpoint() string
}

// connectStorage is the default Deps.Connect: a storage service.
func connectStorage(ctx context.Context, cfg storage.Config) (Service, error) {
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return svc, nil
}

// engineMaker gives the transfers panel the service's engine as the
// interface the panel declares.
type engineMaker struct{ svc Service }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts storage.TransferOptions) (transfers.TransferEngine, error) {
	e, err := m.svc.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err // a nil interface, not a nil *storage.Engine
	}
	return e, nil
}

func (m engineMaker) ListMultipartUploads(ctx context.Context, bucket, prefix string) ([]storage.MultipartUpload, error) {
	return m.svc.ListMultipartUploads(ctx, bucket, prefix)
}

func (m engineMaker) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	return m.svc.AbortMultipartUpload(ctx, bucket, key, uploadID)
}
