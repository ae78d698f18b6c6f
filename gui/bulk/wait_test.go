//go:build ci

package bulk

import "time"

func waitABit() { time.Sleep(20 * time.Millisecond) }
