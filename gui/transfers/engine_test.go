package transfers

import (
	"context"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// engineMaker adapts a storage service to EngineMaker, as the shell does
// (gui/service.go).
type engineMaker struct{ svc *storage.Service }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (TransferEngine, error) {
	e, err := transfer.New(m.svc).NewEngine(ctx, dataDir, opts)
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
