package bulk

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// ExtraStore is the part of storage.Service the storage-class, tag and
// restore operations use.
type ExtraStore interface {
	ObjectTags(ctx context.Context, ref storage.ObjectRef) (map[string]string, error)
	PutObjectTags(ctx context.Context, ref storage.ObjectRef, tags map[string]string) error
	DeleteObjectTags(ctx context.Context, ref storage.ObjectRef) error
	SetStorageClass(ctx context.Context, ref storage.ObjectRef, class types.StorageClass) error
	RestoreObject(ctx context.Context, ref storage.ObjectRef, opts storage.RestoreOptions) error
}

// extraOperation builds the storage-class, tag and restore operations.
func extraOperation(spec Spec, store Store) (Operation, error) {
	x, ok := store.(ExtraStore)
	if !ok {
		return nil, &storage.Error{Op: "bulk " + string(spec.Op), Bucket: spec.Source.Bucket, Kind: storage.ErrNotImplemented,
			Msg: fmt.Sprintf("bulk %s is not available for this account", spec.Op)}
	}
	b := spec.Source.Bucket
	ref := func(it Item) storage.ObjectRef { return storage.ObjectRef{Bucket: b, Key: it.Key} }
	switch spec.Op {
	case StorageClass:
		return eachOp(func(ctx context.Context, it Item) error {
			return x.SetStorageClass(ctx, ref(it), types.StorageClass(spec.Class))
		}), nil
	case Tags:
		return eachOp(func(ctx context.Context, it Item) error {
			tags := spec.Tags
			if spec.TagsMerge {
				cur, err := x.ObjectTags(ctx, ref(it))
				if err != nil {
					return err
				}
				merged := maps.Clone(cur)
				if merged == nil {
					merged = map[string]string{}
				}
				maps.Copy(merged, spec.Tags)
				tags = merged
			}
			if len(tags) == 0 {
				return x.DeleteObjectTags(ctx, ref(it))
			}
			return x.PutObjectTags(ctx, ref(it), tags)
		}), nil
	case Restore:
		return eachOp(func(ctx context.Context, it Item) error {
			err := x.RestoreObject(ctx, ref(it), storage.RestoreOptions{Days: spec.RestoreDays, Tier: types.Tier(spec.RestoreTier)})
			if errors.Is(err, storage.ErrConflict) {
				return nil // a restore is already running: what was asked for
			}
			return err
		}), nil
	}
	return nil, &storage.Error{Op: "bulk " + string(spec.Op), Bucket: b, Kind: storage.ErrInvalidArgument,
		Msg: fmt.Sprintf("bulk job: unknown operation %q", spec.Op)}
}
