package transfers

import (
	"context"

	"s3desk/storage"
)

// engineMaker adapts a storage service to EngineMaker, as the shell does
// (gui/service.go).
type engineMaker struct{ svc *storage.Service }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts storage.TransferOptions) (TransferEngine, error) {
	e, err := m.svc.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (m engineMaker) ListMultipartUploads(ctx context.Context, bucket, prefix string) ([]storage.MultipartUpload, error) {
	return m.svc.ListMultipartUploads(ctx, bucket, prefix)
}

func (m engineMaker) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	return m.svc.AbortMultipartUpload(ctx, bucket, key, uploadID)
}
