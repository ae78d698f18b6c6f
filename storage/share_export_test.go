package storage

// RememberRegionForTest tells s a bucket's region, so tests of AWS-style
// links make no network call to learn it.
func RememberRegionForTest(s *Service, bucket, region string) { s.rememberRegion(bucket, region) }
