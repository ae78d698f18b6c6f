//go:build !unix

package ledger

import "time"

// lockFile is a no-op where flock does not exist; the in-process mutex
// still orders one process's changes.
func lockFile(path string, timeout time.Duration) (unlock func(), err error) {
	return func() {}, nil
}
