// Package sync is the Sync window: choose the two sides, the comparison,
// mirror and filters; preview the plan (storage/sync) as it streams, untick
// rows, type the count when the mirror guard asks, then Apply through the
// transfers panel; saved pairs re-run with one click.
package sync

import (
	"context"

	"s3desk/gui/async"
	"s3desk/storage"
	ssync "s3desk/storage/sync"
	"s3desk/storage/transfer"
)

// Conn is one connected account as the sync uses it; the shell adapts its
// storage service (gui/syncwiring.go).
type Conn interface {
	Remote(bucket, prefix string) ssync.Remote
	Buckets(ctx context.Context) ([]storage.Bucket, error)
	// Engine builds a transfer engine of this account; the window closes it.
	Engine(ctx context.Context, dataDir string, opts transfer.TransferOptions) (*transfer.Engine, error)
}

// Item is one transfer shown in the transfers panel.
type Item struct {
	ID     int64
	Upload bool
	Name   string
	Where  string
	Total  int64
}

// Runner cancels a transfer by ID (*transfer.Engine).
type Runner interface {
	NewID() int64
	Cancel(id int64)
}

// Deps are the window's links to the shell.
type Deps struct {
	Jobs *async.Jobs
	// Profiles are the names to offer for the bucket sides; Current is the
	// connected one (the default).
	Profiles func() []string
	Current  string
	// Connect gives a profile's account (the connected one for Current).
	Connect func(ctx context.Context, profile string) (Conn, error)
	// Pairs keeps saved pairs; nil hides them.
	Pairs *ssync.PairStore
	// Track shows transfers in the transfers panel and returns the progress
	// function to hand the engine; nil shows them nowhere.
	Track func(r Runner, items []Item, retry func(ctx context.Context, it Item, fn transfer.ProgressFunc)) transfer.ProgressFunc
	// PickFolder asks for a local folder; nil is Fyne's folder dialog.
	PickFolder func(done func(path string))
	// DataDir and Options build the engines (the transfers panel's).
	DataDir string
	Options func() transfer.TransferOptions
	// Guard is the mirror guard; zero is ssync.DefaultGuard.
	Guard ssync.Guard
}
