package transfers

import (
	"context"

	"s3desk/storage"
	"s3desk/storage/transfer"
)

// engineSource is what builds transfer engines in storage.
type engineSource interface {
	NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
	IncompleteStore
}

// engineMaker adapts storage's engines to EngineMaker, as the shell does
// (gui/service.go).
type engineMaker struct{ engineSource }

func (m engineMaker) NewEngine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (TransferEngine, error) {
	e, err := m.engineSource.NewEngine(ctx, dataDir, opts)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// enginesOf is how the tests hand a storage service to Connect: the one
// place that knows which storage type builds engines.
func enginesOf(svc *storage.Service) EngineMaker { return engineMaker{transfer.New(svc)} }
