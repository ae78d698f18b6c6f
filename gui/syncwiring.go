package gui

import (
	"context"
	"fmt"

	syncui "s3desk/gui/sync"
	"s3desk/gui/transfers"
	"s3desk/storage"
	"s3desk/storage/profiles"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

// The shell's wiring of folder sync (gui/sync), copy to another account
// and edit in place: other profiles' accounts, engines and the transfers
// panel's rows.

// syncConn is a storage service as the sync window's Conn.
type syncConn struct{ svc *storage.Service }

func (c syncConn) Remote(bucket, prefix string) ssync.Remote {
	return ssync.Remote{Service: c.svc, Bucket: bucket, Prefix: prefix}
}

func (c syncConn) Buckets(ctx context.Context) ([]storage.Bucket, error) {
	return c.svc.ListBuckets(ctx)
}

func (c syncConn) Engine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error) {
	return transfer.New(c.svc).NewEngine(ctx, dataDir, opts)
}

// Service is the storage service itself (copy to another account).
func (c syncConn) Service() *storage.Service { return c.svc }

// connectProfile connects a profile other than the window's (or the
// window's again), as connect does, for a feature that spans accounts.
func (mw *MainWindow) connectProfile(ctx context.Context, name string) (*Account, error) {
	deps := mw.deps
	var cfg storage.Config
	var err error
	switch {
	case name == profiles.SandboxName && deps.Sandbox != nil:
		cfg, err = deps.Sandbox(ctx)
	case name == profiles.SandboxName:
		err = fmt.Errorf("the Local sandbox is not available in this build")
	case deps.Profiles == nil:
		err = fmt.Errorf("the saved profiles could not be read")
	default:
		cfg, err = deps.Profiles.Config(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	cfg.Profile = name
	mw.logTo(&cfg)
	return deps.Connect(ctx, cfg)
}

// accountConn is the connection for a profile: the window's own when it is
// the connected profile (captured on the UI goroutine), else a new one.
func (mw *MainWindow) accountConn() func(ctx context.Context, name string) (*Account, error) {
	cur, acc := mw.profile, mw.svc
	return func(ctx context.Context, name string) (*Account, error) {
		if name == cur && acc != nil {
			return acc, nil
		}
		return mw.connectProfile(ctx, name)
	}
}

// pairStore keeps saved sync pairs beside the profiles.
func (mw *MainWindow) pairStore() *ssync.PairStore {
	if d, ok := mw.deps.Profiles.(interface{ Dir() string }); ok && d.Dir() != "" {
		return ssync.NewPairStore(d.Dir())
	}
	return ssync.NewPairStore(mw.transferDataDir())
}

// engineOptions are the transfers panel's part size and concurrency.
func (mw *MainWindow) engineOptions() transfer.TransferOptions {
	s := LoadSettings(mw.app.Preferences())
	return transfer.TransferOptions{PartSize: int64(s.PartSizeMiB) << 20, Concurrency: s.Concurrency}
}

// openSync is "Sync…": the Sync window, its destination the folder being
// viewed.
func (mw *MainWindow) openSync(bucket, prefix string) {
	conn := mw.accountConn()
	deps := syncui.Deps{
		Jobs:     mw.jobs,
		Profiles: mw.profiles.Names,
		Current:  mw.profile,
		Connect: func(ctx context.Context, name string) (syncui.Conn, error) {
			acc, err := conn(ctx, name)
			if err != nil {
				return nil, err
			}
			if acc.Sync == nil {
				return nil, fmt.Errorf("%s cannot sync", name)
			}
			return acc.Sync, nil
		},
		Pairs:   mw.pairStore(),
		DataDir: mw.transferDataDir(),
		Options: mw.engineOptions,
		Track: func(r syncui.Runner, items []syncui.Item, retry func(ctx context.Context, it syncui.Item, fn transfer.ProgressFunc)) transfer.ProgressFunc {
			ti := make([]transfers.TrackedItem, len(items))
			for i, it := range items {
				ti[i] = transfers.TrackedItem(it)
			}
			var rf func(context.Context, transfers.TrackedItem, transfer.ProgressFunc)
			if retry != nil {
				rf = func(ctx context.Context, it transfers.TrackedItem, fn transfer.ProgressFunc) {
					retry(ctx, syncui.Item(it), fn)
				}
			}
			mw.xfer.ShowRows()
			return mw.xfer.Track(r, ti, rf)
		},
	}
	syncui.ShowWindow(mw.jobs.Life(), mw.app, deps, bucket, prefix)
}

// menuSync is File → Sync…: the folder being viewed, if any.
func (mw *MainWindow) menuSync() {
	mw.openSync(mw.objects.Bucket(), mw.objects.Prefix())
}
