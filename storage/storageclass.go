package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Archived tells whether objects of the storage class must be restored
// before they can be read (GLACIER, DEEP_ARCHIVE).
func Archived(class string) bool {
	return class == string(types.StorageClassGlacier) || class == string(types.StorageClassDeepArchive)
}

// SetStorageClass moves an object to another storage class by copying it
// onto itself. Content-Type, Cache-Control, Content-Disposition,
// Content-Encoding, user metadata and tags are kept. Objects over the copy
// threshold (5 GiB) are copied part by part (copy.go's multipart copy), with
// their properties and tags written explicitly. The copy is made only if the
// object still is what was read first (its ETag).
func (s *Service) SetStorageClass(ctx context.Context, ref ObjectRef, class types.StorageClass) error {
	const op = "change storage class"
	if class == "" {
		return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument, Msg: op + ": no storage class was chosen"}
	}
	info, err := s.Stat(ctx, ref.Bucket, ref.Key)
	if err != nil {
		return renameErrOp(err, op)
	}
	current := info.StorageClass
	if current == "" {
		current = string(types.StorageClassStandard)
	}
	if current == string(class) {
		return nil
	}
	if Archived(current) && !info.Restore.Restored() {
		return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("%s: %s is archived (%s); restore it from the archive first, then change its storage class", op, what(ref.Bucket, ref.Key), current)}
	}
	threshold, part := s.copyLimits()
	if info.Size > threshold {
		// A multipart copy makes a new object: everything is written
		// explicitly, the tags included.
		tags, err := s.ObjectTags(ctx, ref)
		if err != nil && !errors.Is(err, ErrNotImplemented) {
			return renameErrOp(err, op)
		}
		p := propsOf(info)
		p.Tagging = tagHeader(tags)
		info.StorageClass = string(class)
		return s.multipartCopy(ctx, ref, ref, info, p, part, op)
	}
	// One CopyObject with the directives COPY keeps metadata and tags on
	// the service's side; the storage class is always sent, STANDARD too
	// (an in-place copy must change something).
	in := &s3.CopyObjectInput{
		Bucket:            aws.String(ref.Bucket),
		Key:               aws.String(ref.Key),
		CopySource:        aws.String(copySource(ref.Bucket, ref.Key)),
		MetadataDirective: types.MetadataDirectiveCopy,
		TaggingDirective:  types.TaggingDirectiveCopy,
		StorageClass:      class,
	}
	if info.ETag != "" {
		in.CopySourceIfMatch = aws.String(info.ETag)
	}
	if _, err := s.client.CopyObject(ctx, in, s.bucketOpts(ref.Bucket)...); err != nil {
		mapped := mapErr(op, ref.Bucket, ref.Key, err)
		var e *Error
		if errors.As(mapped, &e) && (e.Code == "InvalidStorageClass" || strings.Contains(strings.ToLower(apiText(err)), "storage class")) {
			e.Kind = ErrNotImplemented
			e.Msg = fmt.Sprintf("%s: this server does not offer the storage class %s", op, class)
		}
		return mapped
	}
	return nil
}

// renameErrOp gives an *Error from another call the operation's name.
func renameErrOp(err error, op string) error {
	var e *Error
	if errors.As(err, &e) && e.Op != op {
		if strings.HasPrefix(e.Msg, e.Op+":") {
			e.Msg = op + strings.TrimPrefix(e.Msg, e.Op)
		}
		e.Op = op
	}
	return err
}
