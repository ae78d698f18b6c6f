package storage

import "s3desk/storage/internal/core"

// The feature packages under storage/ that must hand the SDK a client (the
// transfer manager) reach it through storage/internal/core, never through
// an exported method: see that package.
func init() {
	core.Register(func(svc any) core.Access {
		s := svc.(*Service)
		return core.Access{Client: s.client, BucketOpts: s.bucketOpts, RememberRegion: s.rememberRegion}
	})
}
