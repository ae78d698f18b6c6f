package bulk

import (
	"context"
	"errors"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// Store is the part of storage.Service a bulk job uses.
type Store interface {
	List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error]
	Stat(ctx context.Context, bucket, key string) (storage.ObjectInfo, error)
	Copy(ctx context.Context, src, dst storage.ObjectRef) error
	Rename(ctx context.Context, src, dst storage.ObjectRef) error
	DeleteObjects(ctx context.Context, bucket string, keys []string) (storage.DeleteResult, error)
	SetMetadata(ctx context.Context, ref storage.ObjectRef, u storage.MetadataUpdate) error
	SetObjectCannedACL(ctx context.Context, bucket, key string, acl types.ObjectCannedACL) error
}

// Operation is what a job does to its items. The engine hands it batches
// of at most Batch() items and records each item's outcome.
type Operation interface {
	// Batch is how many items one Apply takes (1000 for delete: one
	// DeleteObjects request; 1 for per-object calls).
	Batch() int
	// Apply does the operation on items and returns one error per item
	// (nil: done). uncertain means a crash may have left the items done
	// already: the operation must then not do them twice (copy and move
	// look at the destination first).
	Apply(ctx context.Context, items []Item, uncertain bool) []error
}

// Operations builds the operation of spec on store. Storage-class, tag and
// restore jobs need a store that also has those calls (ExtraStore).
func Operations(spec Spec, store Store) (Operation, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	b := spec.Source.Bucket
	switch spec.Op {
	case Delete:
		return deleteOp{store: store, bucket: b}, nil
	case Copy, Move:
		return copyOp{store: store, spec: spec, move: spec.Op == Move}, nil
	case Metadata:
		return eachOp(func(ctx context.Context, it Item) error {
			return store.SetMetadata(ctx, storage.ObjectRef{Bucket: b, Key: it.Key}, spec.Metadata)
		}), nil
	case ACL:
		acl := types.ObjectCannedACLPrivate
		if spec.Public {
			acl = types.ObjectCannedACLPublicRead
		}
		return eachOp(func(ctx context.Context, it Item) error {
			return store.SetObjectCannedACL(ctx, b, it.Key, acl)
		}), nil
	}
	return extraOperation(spec, store)
}

// eachOp is an operation of one call per object; doing it twice is
// harmless (it sets a value).
type eachOp func(ctx context.Context, it Item) error

func (eachOp) Batch() int { return 1 }

func (f eachOp) Apply(ctx context.Context, items []Item, _ bool) []error {
	errs := make([]error, len(items))
	for i, it := range items {
		errs[i] = f(ctx, it)
	}
	return errs
}

// deleteOp deletes 1,000 keys per DeleteObjects request. Deleting a key
// that is already gone succeeds, so a resumed batch is simply sent again.
type deleteOp struct {
	store  Store
	bucket string
}

func (deleteOp) Batch() int { return 1000 }

func (d deleteOp) Apply(ctx context.Context, items []Item, _ bool) []error {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	errs := make([]error, len(items))
	res, err := d.store.DeleteObjects(ctx, d.bucket, keys)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	failed := make(map[string]error, len(res.Failed))
	for _, f := range res.Failed {
		failed[f.Key] = f.Err
	}
	for i, k := range keys {
		errs[i] = failed[k]
	}
	return errs
}

// copyOp copies (or moves) each object to spec.Dest(key).
type copyOp struct {
	store Store
	spec  Spec
	move  bool
}

func (copyOp) Batch() int { return 1 }

func (c copyOp) Apply(ctx context.Context, items []Item, uncertain bool) []error {
	errs := make([]error, len(items))
	for i, it := range items {
		errs[i] = c.one(ctx, it, uncertain)
	}
	return errs
}

func (c copyOp) one(ctx context.Context, it Item, uncertain bool) error {
	src := storage.ObjectRef{Bucket: c.spec.Source.Bucket, Key: it.Key}
	dst := c.spec.Dest(it.Key)
	if uncertain {
		done, err := c.copied(ctx, it, dst)
		if err != nil {
			return err
		}
		if done {
			if !c.move {
				return nil
			}
			// Copied before the crash: only the source is left to delete.
			res, err := c.store.DeleteObjects(ctx, src.Bucket, []string{src.Key})
			if err == nil && len(res.Failed) > 0 {
				err = res.Failed[0].Err
			}
			return err
		}
		if c.move {
			// A move whose source is gone was finished by the crashed run.
			if _, err := c.store.Stat(ctx, src.Bucket, src.Key); errors.Is(err, storage.ErrNotFound) {
				return nil
			}
		}
	}
	if c.move {
		return c.store.Rename(ctx, src, dst)
	}
	return c.store.Copy(ctx, src, dst)
}

// copied tells whether dst already holds the copy of it: same size and
// (when both are known) same ETag.
func (c copyOp) copied(ctx context.Context, it Item, dst storage.ObjectRef) (bool, error) {
	info, err := c.store.Stat(ctx, dst.Bucket, dst.Key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if info.Size != it.Size {
		return false, nil
	}
	a, b := strings.Trim(info.ETag, `"`), strings.Trim(it.ETag, `"`)
	return a == "" || b == "" || a == b, nil
}
