package transfers

// Conflict policies for transfers whose target already exists (the values
// stored in Settings).
const (
	ConflictAsk       = "ask"
	ConflictOverwrite = "overwrite"
	ConflictSkip      = "skip"
	ConflictKeepBoth  = "keep-both"
)

// Settings are the user's preferences the panel reads when it starts a
// batch or connects; the shell fills them from its own settings.
type Settings struct {
	Concurrency    int    // parts or files in flight at once
	PartSizeMiB    int    // multipart part size
	BandwidthMiBps int    // upload+download limit, 0 = none
	Conflict       string // default conflict policy
}

// DefaultSettings are the panel's settings when the shell gives none.
func DefaultSettings() Settings {
	return Settings{Concurrency: 4, PartSizeMiB: 16, Conflict: ConflictAsk}
}
