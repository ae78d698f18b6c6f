package gui

import (
	"context"
	"fmt"
	"fyne.io/fyne/v2/lang"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/profiles"
)

// The log file (storage/logfile, opened by main) and Help's "Show log
// folder" and "Copy diagnostics".

// logTo hands the window's logger to a config the GUI built, and tells the
// log's scrubber the config's secrets so that they never reach the file.
func (mw *MainWindow) logTo(cfg *storage.Config) {
	if mw.deps.Logger != nil {
		cfg.Logger = mw.deps.Logger
	}
	if mw.deps.Secrets != nil {
		mw.deps.Secrets.Forget(cfg.SecretAccessKey, cfg.SessionToken)
	}
}

// showLogFolder opens the log folder with the system file manager.
func (mw *MainWindow) showLogFolder() {
	c := mw.cacheDir()
	if mw.deps.Logger == nil || c == "" {
		mw.status.Say(lang.L("S3 Desk is not writing a log in this session"))
		return
	}
	dir := LogDir(c)
	u := &url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
	if err := mw.app.OpenURL(u); err != nil {
		widgets.ShowError(mw.win, lang.L("Could not show the log folder"), fmt.Errorf(lang.L("the logs are in %s; no file manager opened it: %w"), dir, err))
	}
}

// copyDiagnostics puts the diagnostics text on the clipboard.
func (mw *MainWindow) copyDiagnostics() {
	var store interface {
		List(ctx context.Context) ([]profiles.Profile, error)
	}
	if mw.deps.Profiles != nil {
		store = mw.deps.Profiles
	}
	ctx := mw.jobs.Life()
	mw.jobs.Go(func() {
		var ps []profiles.Profile
		var err error
		if store != nil {
			ps, err = store.List(ctx)
		}
		text := diagnosticsText(mw.deps.Version, ps, err, mw.svc != nil)
		mw.jobs.Do(func() {
			mw.app.Clipboard().SetContent(text)
			mw.status.Say(lang.L("Copied the diagnostics: paste them into your bug report"))
		})
	})
}

// diagnosticsText says what a bug report needs: versions, OS, and what
// kinds of profile there are. It never holds a profile's name, keys,
// secrets or endpoint.
func diagnosticsText(version string, ps []profiles.Profile, listErr error, connected bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "S3 Desk %s\n", orUnknown(version))
	fmt.Fprintf(&b, "Go %s, %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&b, "Fyne %s, AWS SDK for Go v2 s3 %s\n", moduleVersion("fyne.io/fyne/v2"), moduleVersion("github.com/aws/aws-sdk-go-v2/service/s3"))
	switch {
	case listErr != nil:
		b.WriteString("Profiles: could not be read\n")
	default:
		kinds := map[string]int{}
		for _, p := range ps {
			kinds[profileKindText(p)]++
		}
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "Profiles: %d", len(ps))
		for _, k := range names {
			fmt.Fprintf(&b, "; %d %s", kinds[k], k)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Connected: %v\n", connected)
	return b.String()
}

// profileKindText is a profile's provider and how it authenticates.
func profileKindText(p profiles.Profile) string {
	prov := string(p.Provider)
	if prov == "" {
		prov = "unknown provider"
	}
	auth := "SDK credentials"
	switch {
	case p.BuiltIn:
		auth = "built-in"
	case p.AWSProfile != "":
		auth = "linked AWS profile"
	case p.HasSessionToken:
		auth = "temporary keys"
	case p.AccessKeyID != "":
		auth = "static keys"
	}
	s := prov + " (" + auth
	if p.Endpoint != "" {
		s += ", custom endpoint"
	}
	if p.Compatibility {
		s += ", compatibility mode"
	}
	return s + ")"
}

// moduleVersion is the version of a module linked into the binary.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return "unknown"
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown version)"
	}
	return s
}
