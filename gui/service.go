package gui

import (
	"context"

	"s3desk/gui/accounts"
	"s3desk/gui/browser"
	"s3desk/gui/bucketconfig"
	bulkgui "s3desk/gui/bulk"
	"s3desk/gui/copyto"
	"s3desk/gui/edit"
	"s3desk/gui/preview"
	reportgui "s3desk/gui/report"
	"s3desk/gui/sharing"
	syncui "s3desk/gui/sync"
	"s3desk/gui/transfers"
	"s3desk/gui/versions"
	"s3desk/storage"
	storagebucketconfig "s3desk/storage/bucketconfig"
	storagepreview "s3desk/storage/preview"
	"s3desk/storage/report"
	"s3desk/storage/transfer"
	storageversions "s3desk/storage/versions"
)

// Account is a connected account as the shell hands it to the features:
// each field is the interface its feature declares. Deps.Connect returns
// it; connectStorage builds it from a storage service, the one place that
// knows which storage type serves which feature.
type Account struct {
	Objects  browser.ObjectStore
	Buckets  accounts.BucketStore
	Sharing  sharing.ShareStore
	Preview  preview.PreviewStore
	Report   reportgui.Store // the monthly report wizard (Combine CSVs…)
	Engines  transfers.EngineMaker
	Settings bucketconfig.SettingsStore // the Bucket settings window (gui/bucketsettings.go)
	Versions versions.Store
	Bulk     bulkgui.Store // gui/bulkwiring.go
	Sync     syncui.Conn   // folder sync (gui/syncwiring.go)
	Copy     copyto.Conn   // copy and move to another account (gui/syncwiring.go)
	Edit     edit.Store    // edit in place (gui/editwiring.go)
	Endpoint string        // "" for AWS itself
	Region   string
}

// connectStorage is the default Deps.Connect: a storage service.
func connectStorage(ctx context.Context, cfg storage.Config) (*Account, error) {
	svc, err := storage.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return accountOf(svc), nil
}

// accountOf hands svc to every feature.
func accountOf(svc *storage.Service) *Account {
	return &Account{
		Objects:  svc,
		Buckets:  svc,
		Sharing:  report.New(svc),
		Preview:  storagepreview.New(svc),
		Report:   newReportStore(svc),
		Engines:  engineMaker{transfer.New(svc)},
		Settings: storagebucketconfig.New(svc),
		Versions: storageversions.New(svc),
		Bulk:     newBulkStore(svc),
		Sync:     syncConn{svc},
		Copy:     syncConn{svc},
		Edit:     syncConn{svc},
		Endpoint: svc.Endpoint(),
		Region:   svc.Region(),
	}
}

// engineSource is what builds transfer engines in storage.
type engineSource interface {
	NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
	transfers.IncompleteStore
}

// engineMaker gives the transfers panel the storage engine as the
// interface the panel declares.
type engineMaker struct{ engineSource }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (transfers.TransferEngine, error) {
	e, err := m.engineSource.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err // a nil interface, not a nil *transfer.Engine
	}
	return e, nil
}
