//go:build !unix

package atomicfile

import "time"

// Lock is a no-op where flock does not exist; the callers' in-process
// mutexes still order one process's changes.
func Lock(path, what string, timeout time.Duration) (unlock func(), err error) {
	return func() {}, nil
}
