// S3 Desk: point-and-click file management for Amazon S3 and S3-compatible stores.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"

	"fyne.io/fyne/v2/app"

	"s3desk/assets"
	"s3desk/gui"
	"s3desk/storage/bookmarks"
	"s3desk/storage/logfile"
	"s3desk/storage/profiles"
)

// fyneApp is FyneApp.toml, the one place the version is written.
//
//go:embed FyneApp.toml
var fyneApp []byte

func main() {
	version := gui.AppVersion(fyneApp)
	opts, exit, code := gui.ParseFlags(os.Args[1:], version, os.Stdout)
	if exit {
		os.Exit(code)
	}
	a := app.NewWithID("io.s3desk.app")
	a.SetIcon(assets.Icon())
	if err := gui.SetupLanguage(gui.LoadSettings(a.Preferences()).Language); err != nil {
		fmt.Fprintln(os.Stderr, "s3desk: translations:", err)
	}
	gui.ApplyTheme(a, gui.LoadSettings(a.Preferences()).Theme)
	sb := gui.NewLazySandbox("")
	defer sb.Close()
	deps := gui.Deps{Discover: profiles.DiscoverAWS, StartProfile: opts.Profile, Version: version}
	if cache, err := gui.DefaultCacheDir(); err == nil {
		deps.CacheDir = cache
		// The log: rotated at 5 MiB, 3 kept, scrubbed of credentials.
		if lf, err := logfile.Open(gui.LogDir(cache), 0, 0); err == nil {
			defer lf.Close()
			deps.Logger, deps.Secrets = lf.Logger()
			deps.Logger.Info("start", "version", version)
		} else {
			fmt.Fprintln(os.Stderr, "s3desk: no log file:", err)
		}
	}
	if dir, err := profiles.DefaultDir(); err == nil {
		// Bookmarks live beside the profiles; a damaged file was kept aside
		// (the error says where) and they start afresh.
		marks, err := bookmarks.Open(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "s3desk:", err)
		}
		if marks != nil {
			deps.Bookmarks = marks
		}
		if store, err := profiles.Open(dir, profiles.SystemKeychain{}); err == nil {
			store.SetSandbox(sb.Config)
			deps.Profiles = store
		} else {
			fmt.Fprintln(os.Stderr, "s3desk: saved profiles unavailable:", err)
		}
	}
	deps.Sandbox, deps.ResetSandbox = sb.Config, sb.Reset
	gui.NewMainWindow(context.Background(), a, deps).ShowAndRun()
}
