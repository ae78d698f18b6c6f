package versions

// SetPageSizeForTest makes s's scans (undelete, plan) ask for n versions a
// page.
func SetPageSizeForTest(s *Service, n int32) { s.pageSize = n }
