package storage

import (
	"context"
	"io"

	"s3desk/storage/internal/core"
)

// The feature packages under storage/ that must hand the SDK a client (the
// transfer manager) reach it through storage/internal/core, never through
// an exported method: see that package.
func init() {
	core.Register(func(svc any) core.Access {
		s := svc.(*Service)
		return core.Access{
			Client: s.client, BucketOpts: s.bucketOpts, RememberRegion: s.rememberRegion,
			AWSConfig: s.awsCfg, Profile: s.cfg.Profile, OnAWS: s.onAWS(),
			PartPages: s.partPages, OpenVerified: s.openVerified,
		}
	}, scrub)
}

// onAWS tells whether the service talks to AWS itself (no endpoint of its
// own, none from the environment), where STS exists.
func (s *Service) onAWS() bool {
	return s.cfg.Endpoint == "" && s.awsCfg.BaseEndpoint == nil
}

// openVerified is Open for the transfer engine's small downloads, with what
// the read verified once the body is read to its end.
func (s *Service) openVerified(ctx context.Context, bucket, key, versionID, ifMatch, op string) (io.ReadCloser, func() string, error) {
	rc, _, err := s.Open(ctx, bucket, key, ReadOptions{IfMatch: ifMatch, VersionID: versionID, op: op})
	if err != nil {
		return nil, nil, err
	}
	r := rc.(*readCloser)
	return r, r.verified, nil
}
