//go:build ci

package transfers

import (
	"context"
	"testing"
)

// contextWithCancel is a child of the test's context.
func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	return ctx, cancel
}
