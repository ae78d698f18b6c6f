// Package accounts holds the profiles view and form and the buckets view:
// who you connect as and which bucket you open. The shell wires them.
package accounts

// Status is what the views need from the shell's status bar.
type Status interface {
	// Say shows a short message.
	Say(text string)
	// Begin shows text as a running activity; update changes its text and
	// end removes it.
	Begin(text string) (update func(string), end func())
}
