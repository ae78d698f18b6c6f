package gui

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"s3desk/storage/profiles"
)

// Options are the command-line flags of S3 Desk.
type Options struct {
	Profile string // open this profile at startup ("" = the Local sandbox)
}

// ParseFlags reads args (without the program name). When it returns
// exit=true the program ends with code: after --version, --help, or a bad
// flag (with a message on out).
func ParseFlags(args []string, version string, out io.Writer) (opts Options, exit bool, code int) {
	fs := flag.NewFlagSet("s3desk", flag.ContinueOnError)
	fs.SetOutput(out)
	showVersion := fs.Bool("version", false, "print the version and exit")
	profile := fs.String("profile", "", "open the saved profile `NAME` at startup")
	useSandbox := fs.Bool("sandbox", false, "open the Local sandbox at startup (the default)")
	fs.Usage = func() {
		fmt.Fprintf(out, "S3 Desk %s: point-and-click file management for Amazon S3 and S3-compatible stores.\n\n", version)
		fmt.Fprintf(out, "Usage: s3desk [--profile NAME | --sandbox] [--version] [--help]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return opts, true, 0
		}
		return opts, true, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(out, "s3desk: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return opts, true, 2
	}
	if *showVersion {
		fmt.Fprintf(out, "S3 Desk %s\n", version)
		return opts, true, 0
	}
	if *useSandbox && *profile != "" {
		fmt.Fprintln(out, "s3desk: use either --profile or --sandbox, not both")
		return opts, true, 2
	}
	opts.Profile = *profile
	if *useSandbox {
		opts.Profile = profiles.SandboxName
	}
	return opts, false, 0
}

// AppVersion reads Version from the [Details] table of FyneApp.toml (given
// as bytes, embedded by main), so that --version, the About dialog and the
// package built by `fyne package` all say the same. It returns "dev" when
// the file has none.
func AppVersion(fyneAppTOML []byte) string {
	section := ""
	for _, line := range strings.Split(string(fyneAppTOML), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != "Details" || strings.TrimSpace(k) != "Version" {
			continue
		}
		if q, err := strconv.QuotedPrefix(strings.TrimSpace(v)); err == nil {
			if s, err := strconv.Unquote(q); err == nil && s != "" {
				return s
			}
		}
	}
	return "dev"
}
