package versions

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"s3desk/storage"
)

// needVersion refuses a ref without a version ID: the operations below act
// on one version, never on "whatever is current".
func needVersion(op string, ref storage.ObjectRef) error {
	if ref.VersionID == "" {
		return &storage.Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("%s: no version of %q was named; nothing was changed", op, ref.Key)}
	}
	return nil
}

// Restore makes version ref (ref.VersionID) the current version of its key
// again: it is copied over the current one (a multipart copy for big
// objects), keeping that version's Content-Type, Cache-Control,
// Content-Disposition, Content-Encoding and user metadata. The versions in
// between stay. A delete marker cannot be restored this way: Undelete
// removes it.
func (s *Service) Restore(ctx context.Context, ref storage.ObjectRef) error {
	if err := needVersion("restore version", ref); err != nil {
		return err
	}
	err := s.svc.Copy(ctx, ref, storage.ObjectRef{Bucket: ref.Bucket, Key: ref.Key})
	return renameOp(err, "restore version")
}

// DeleteVersion removes version ref (or a delete marker) for good. It
// cannot be undone.
func (s *Service) DeleteVersion(ctx context.Context, ref storage.ObjectRef) error {
	if err := needVersion("delete version", ref); err != nil {
		return err
	}
	res, err := s.svc.DeleteVersions(ctx, ref.Bucket, []storage.ObjectRef{ref}, nil)
	if err != nil {
		return renameOp(err, "delete version")
	}
	if len(res.Failed) > 0 {
		return renameOp(res.Failed[0].Err, "delete version")
	}
	return nil
}

// Undelete brings back a deleted key: the delete markers above its newest
// version are removed, so that version is current again. A key that is not
// deleted (its latest version is no delete marker) gives ErrInvalidArgument
// and nothing changes.
func (s *Service) Undelete(ctx context.Context, bucket, key string) error {
	var markers []storage.ObjectRef
	leading, seen := false, false
list:
	for page, err := range s.svc.ListVersions(ctx, bucket, storage.VersionListOptions{Prefix: key, Recursive: true, PageSize: s.pageSize}) {
		if err != nil {
			return storage.IncompleteListing(err, "undelete", bucket, key, "nothing was changed")
		}
		for _, v := range page.Versions {
			if v.Key != key {
				if seen {
					break list // keys come in order: key's versions are over
				}
				continue
			}
			if !seen {
				seen, leading = true, v.IsLatest && v.IsDeleteMarker
			}
			if !leading || !v.IsDeleteMarker {
				break list
			}
			markers = append(markers, storage.ObjectRef{Bucket: bucket, Key: key, VersionID: v.VersionID})
		}
	}
	if len(markers) == 0 {
		what := "has no versions"
		if seen {
			what = "is not deleted (its latest version is not a delete marker)"
		}
		return &storage.Error{Op: "undelete", Bucket: bucket, Key: key, Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("undelete: %q %s; nothing was changed", key, what)}
	}
	res, err := s.svc.DeleteVersions(ctx, bucket, markers, nil)
	if err != nil {
		return renameOp(err, "undelete")
	}
	if len(res.Failed) > 0 {
		return renameOp(res.Failed[0].Err, "undelete")
	}
	return nil
}

// Link is a presigned GET of version ref, valid for expiry.
func (s *Service) Link(ctx context.Context, ref storage.ObjectRef, expiry time.Duration) (string, error) {
	if err := needVersion("copy version link", ref); err != nil {
		return "", err
	}
	s.svc.LearnRegion(ctx, ref.Bucket)
	p, err := s.svc.Presign(ctx, storage.PresignInput{Op: "copy version link", Method: http.MethodGet,
		Bucket: ref.Bucket, Key: ref.Key, VersionID: ref.VersionID, Expiry: expiry})
	return p.URL, err
}

// Head is version ref's properties.
func (s *Service) Head(ctx context.Context, ref storage.ObjectRef) (storage.ObjectInfo, error) {
	if err := needVersion("read version", ref); err != nil {
		return storage.ObjectInfo{}, err
	}
	return s.svc.StatWith(ctx, ref.Bucket, ref.Key, storage.StatOptions{VersionID: ref.VersionID})
}

// Peek reads the first limit bytes of version ref (for a preview), and its
// properties. A version no longer than limit is read whole, so its
// checksum is verified.
func (s *Service) Peek(ctx context.Context, ref storage.ObjectRef, limit int64) ([]byte, storage.ObjectInfo, error) {
	if err := needVersion("preview version", ref); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	info, err := s.Head(ctx, ref)
	if err != nil {
		return nil, info, err
	}
	opts := storage.ReadOptions{VersionID: ref.VersionID}
	if info.Size > limit {
		opts.Length = limit
	}
	r, _, err := s.svc.Open(ctx, ref.Bucket, ref.Key, opts)
	if err != nil {
		return nil, info, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, limit))
	return b, info, err
}

// renameOp makes err name op.
func renameOp(err error, op string) error {
	if e, ok := err.(*storage.Error); ok && e.Op != op {
		c := *e
		if len(c.Msg) > len(c.Op) && c.Msg[:len(c.Op)] == c.Op {
			c.Msg = op + c.Msg[len(c.Op):]
		}
		c.Op = op
		return &c
	}
	return err
}
