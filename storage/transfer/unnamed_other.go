//go:build !linux

package transfer

import "os"

// Unnamed files are Linux-only (see unnamed_linux.go); elsewhere downloads
// are written under a temp name and renamed.

func openUnnamed(dir *os.File) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(f, dir *os.File, name string) error { return errNoUnnamed }
