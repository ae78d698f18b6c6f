package profiles

// SetRenameHook swaps the store's rename (os.Rename) for tests that
// simulate a crash between the temp file and the rename. It returns a
// function that puts os.Rename back.
func SetRenameHook(s *Store, fn func(oldpath, newpath string) error) (restore func()) {
	s.mu.Lock()
	old := s.rename
	s.rename = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.rename = old
		s.mu.Unlock()
	}
}
