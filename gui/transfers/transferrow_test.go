package transfers

import (
	"testing"

	"s3desk/storage/transfer"
)

// A finished row says what was verified and how many requests were sent
// again; a row without either says neither.
func TestRowInfoVerifiedAndRetries(t *testing.T) {
	p := &TransfersPanel{byID: map[int64]*transferRow{}, scheduled: true}
	r := &transferRow{id: 1, total: 10}
	p.byID[1] = r
	p.onProgress(transfer.Progress{ID: 1, State: transfer.StateRunning, Done: 5, Total: 10, Retries: 2})
	p.onProgress(transfer.Progress{ID: 1, State: transfer.StateDone, Done: 10, Total: 10, Verified: "CRC32 verified", Retries: 3})
	if got, want := rowInfo(*r), "Done · 10 B · CRC32 verified · 3 retries"; got != want {
		t.Fatalf("rowInfo = %q, want %q", got, want)
	}
	plain := transferRow{state: transfer.StateDone, total: 10}
	if got, want := rowInfo(plain), "Done · 10 B"; got != want {
		t.Fatalf("rowInfo = %q, want %q", got, want)
	}
	r.state, r.reason, r.retries = transfer.StateFailed, "the server is down", 1
	if got, want := rowInfo(*r), "Failed: the server is down · 1 retry"; got != want {
		t.Fatalf("rowInfo = %q, want %q", got, want)
	}
}
