package transfer

// NewTransferID is a fresh transfer ID from the process-wide sequence every
// engine uses, for a row of work that runs outside an engine (edit in place).
func NewTransferID() int64 { return transferIDs.Add(1) }
