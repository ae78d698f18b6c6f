package profiles

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// MaxOpenedBuckets bounds how many buckets opened by name a profile keeps
// (the most recent ones).
const MaxOpenedBuckets = 50

// ParsePlace reads what a person typed to open a bucket by name: "bucket",
// "bucket/folder/sub", or "s3://bucket/folder". The prefix, when not empty,
// ends in "/". It is an error wrapping ErrInvalid when no bucket name can
// be read.
func ParsePlace(s string) (bucket, prefix string, err error) {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && strings.EqualFold(s[:5], "s3://") {
		s = s[5:]
	}
	bucket, prefix, _ = strings.Cut(s, "/")
	bucket, prefix = normalizePlace(bucket, prefix)
	if err := checkBucketName("bucket", bucket); err != nil {
		return "", "", err
	}
	return bucket, prefix, nil
}

// normalizePlace trims the bucket and makes a non-empty prefix end in "/".
// The prefix is otherwise kept as typed: keys are data.
func normalizePlace(bucket, prefix string) (string, string) {
	bucket = strings.TrimSpace(bucket)
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return bucket, prefix
}

// checkBucketName refuses what cannot be a bucket name on any S3 service:
// empty, a slash, spaces or control characters, over 255 characters.
// Stricter naming rules are the service's to enforce.
func checkBucketName(field, b string) error {
	switch {
	case b == "":
		return &Error{Kind: ErrInvalid, Field: field, Msg: "type the bucket's name, for example my-bucket or my-bucket/folder"}
	case len(b) > 255:
		return &Error{Kind: ErrInvalid, Field: field, Msg: "the bucket name is too long; bucket names have at most 63 characters"}
	case strings.IndexFunc(b, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return &Error{Kind: ErrInvalid, Field: field, Msg: fmt.Sprintf("the bucket name %q contains a space; bucket names have none", b)}
	}
	return nil
}

// validateDefaults checks a profile's optional default bucket and prefix.
func validateDefaults(p Profile) error {
	if p.DefaultBucket == "" {
		if p.DefaultPrefix != "" {
			return &Error{Kind: ErrInvalid, Field: "default_bucket", Msg: "a default folder needs a default bucket; type the bucket too, or clear the folder"}
		}
		return nil
	}
	if strings.Contains(p.DefaultBucket, "/") {
		return &Error{Kind: ErrInvalid, Field: "default_bucket", Msg: "type only the bucket's name as default bucket, and the folder in its own field"}
	}
	if err := checkBucketName("default_bucket", p.DefaultBucket); err != nil {
		return err
	}
	if strings.IndexFunc(p.DefaultPrefix, unicode.IsControl) >= 0 {
		return &Error{Kind: ErrInvalid, Field: "default_prefix", Msg: "the default folder contains a control character; type it again"}
	}
	return nil
}

// RememberBucket records that bucket was opened by name with the profile
// called name, so that an account that may not list its buckets still
// shows it next time. The most recent comes first; at most
// MaxOpenedBuckets are kept. The Local sandbox lists its buckets and
// remembers nothing.
func (s *Store) RememberBucket(ctx context.Context, name, bucket string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if isSandbox(name) {
		return nil
	}
	bucket = strings.TrimSpace(bucket)
	if err := checkBucketName("bucket", bucket); err != nil {
		return err
	}
	return s.locked(func(ff fileFormat) error {
		i := find(ff, name)
		if i < 0 {
			return notFound(name)
		}
		p := &ff.Profiles[i].Profile
		if len(p.OpenedBuckets) > 0 && p.OpenedBuckets[0] == bucket {
			return nil // nothing changes: no write
		}
		list := []string{bucket}
		for _, b := range p.OpenedBuckets {
			if b != bucket {
				list = append(list, b)
			}
		}
		p.OpenedBuckets = list[:min(len(list), MaxOpenedBuckets)]
		return s.save(ff)
	})
}

// ForgetBucket removes bucket from the profile's buckets opened by name.
func (s *Store) ForgetBucket(ctx context.Context, name, bucket string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if isSandbox(name) {
		return nil
	}
	return s.locked(func(ff fileFormat) error {
		i := find(ff, name)
		if i < 0 {
			return notFound(name)
		}
		p := &ff.Profiles[i].Profile
		j := slices.Index(p.OpenedBuckets, bucket)
		if j < 0 {
			return nil
		}
		p.OpenedBuckets = slices.Delete(p.OpenedBuckets, j, j+1)
		return s.save(ff)
	})
}
