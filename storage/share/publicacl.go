package share

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"s3desk/storage"
)

// publicACLParallel is how many object ACLs a folder changes at once.
const publicACLParallel = 8

// publicUndoTimeout bounds an undo that runs after the caller's context has
// ended (a Cancel still puts back what was changed).
const publicUndoTimeout = time.Minute

// aclSaved is one object's ACL as it was before the app changed it.
type aclSaved struct {
	key    string
	owner  *types.Owner
	grants []types.Grant
}

// aclTxn is a set of object ACL changes that can be undone exactly: every
// object's previous owner and grants are read (GetObjectAcl) before its ACL
// changes, and the undo puts exactly those back.
type aclTxn struct {
	s      *Service
	bucket string
	mu     sync.Mutex
	saved  []aclSaved // objects whose ACL change was sent (done or in flight)
	done   int64      // changes the service confirmed
	first  string     // the first key changed
}

// publicListKeys lists target (a key), or every key under a folder target,
// at most limit of them (0: all), with the service's guarded paginator.
func (s *Service) publicListKeys(ctx context.Context, bucket, target string, limit int) ([]string, error) {
	if !strings.HasSuffix(target, "/") {
		return []string{target}, nil
	}
	var keys []string
	for page, err := range s.svc.List(ctx, bucket, storage.ListOptions{Prefix: target, Recursive: true}) {
		if err != nil {
			return nil, storage.IncompleteListing(err, "list the folder", bucket, target,
				"no file's access was changed by this listing: try again later")
		}
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
			if limit > 0 && len(keys) >= limit {
				return keys, nil
			}
		}
	}
	return keys, nil
}

// publicGrantACL gives each key acl, publicACLParallel at a time, saving
// each previous ACL first. It stops at the first failure or when ctx ends;
// the returned txn holds what was changed (undo it with revert). progress,
// if set, is called with (done, len(keys)), never concurrently.
func (s *Service) publicGrantACL(ctx context.Context, bucket string, keys []string, acl types.ObjectCannedACL, progress func(done, total int64)) (*aclTxn, error) {
	t := &aclTxn{s: s, bucket: bucket}
	total := int64(len(keys))
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var (
		errMu    sync.Mutex
		firstErr error
		next     = make(chan string)
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
		stop()
	}
	for range min(publicACLParallel, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if wctx.Err() != nil {
					continue
				}
				prev, err := s.svc.ObjectACL(wctx, bucket, k)
				if err != nil {
					fail(err)
					continue
				}
				t.mu.Lock()
				t.saved = append(t.saved, aclSaved{key: k, owner: prev.Owner, grants: prev.Grants})
				t.mu.Unlock()
				err = s.svc.SetObjectCannedACL(wctx, bucket, k, acl)
				if err != nil {
					// The service answered with an error: nothing changed,
					// nothing to undo. A cut connection or a cancel leaves
					// it unknown, so the undo still puts the old ACL back.
					var api smithy.APIError
					if errors.As(err, &api) {
						t.mu.Lock()
						t.saved = slices.DeleteFunc(t.saved, func(sv aclSaved) bool { return sv.key == k })
						t.mu.Unlock()
					}
					fail(err)
					continue
				}
				t.mu.Lock()
				if t.done == 0 {
					t.first = k
				}
				t.done++
				if progress != nil {
					progress(t.done, total)
				}
				t.mu.Unlock()
			}
		}()
	}
feed:
	for _, k := range keys {
		select {
		case next <- k:
		case <-wctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return t, err
	}
	return t, firstErr
}

// revert puts back every saved ACL exactly as it was, publicACLParallel at
// a time, even when ctx has ended (bounded by publicUndoTimeout). It
// returns the keys it could not put back (sorted) and the first failure.
func (t *aclTxn) revert(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publicUndoTimeout)
	defer cancel()
	t.mu.Lock()
	saved := slices.Clone(t.saved)
	t.mu.Unlock()
	var (
		mu       sync.Mutex
		failed   []string
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, publicACLParallel)
	)
	for _, sv := range saved {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := t.s.svc.PutObjectACL(ctx, t.bucket, sv.key, storage.ObjectACL{Owner: sv.owner, Grants: sv.grants})
			if err != nil {
				mu.Lock()
				failed = append(failed, sv.key)
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// A key whose change was in flight when stopped may never have become
	// public: ask the service, and name only those that are (or that it
	// cannot say).
	failed = slices.DeleteFunc(failed, func(k string) bool {
		out, err := t.s.svc.ObjectACL(ctx, t.bucket, k)
		return err == nil && !publicGrants(out.Grants)
	})
	slices.Sort(failed)
	return failed, firstErr
}

// publicGrants reports whether grants let anyone (AllUsers) read.
func publicGrants(grants []types.Grant) bool {
	for _, g := range grants {
		if g.Grantee != nil && strings.HasSuffix(aws.ToString(g.Grantee.URI), "/global/AllUsers") &&
			(g.Permission == types.PermissionRead || g.Permission == types.PermissionFullControl) {
			return true
		}
	}
	return false
}

// undo reverts t after cause and says what is still public: nil when the
// undo put everything back, else a *StillPublicError naming the objects.
func (t *aclTxn) undo(ctx context.Context, target string, cause error) error {
	failed, err := t.revert(ctx)
	if len(failed) == 0 {
		return nil
	}
	shown := failed
	more := ""
	if len(shown) > 20 {
		shown, more = shown[:20], fmt.Sprintf(" and %d more", len(failed)-20)
	}
	quoted := make([]string, len(shown))
	for i, k := range shown {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	why := "it was stopped"
	if cause != nil && !errors.Is(cause, context.Canceled) {
		why = cause.Error()
	}
	return &StillPublicError{Bucket: t.bucket, Target: target, Keys: failed, Cause: cause, Err: err,
		Msg: fmt.Sprintf("Making %s public did not complete (%s), and putting back the previous access failed for %d %s, so anyone may still read: %s%s (in bucket %q). Use \"Make private\" on them, or fix their ACLs in your S3 console. The undo failed with: %v",
			publicWhat(target), strings.TrimSuffix(why, "."), len(failed), publicPlural(len(failed), "object", "objects"), strings.Join(quoted, ", "), more, t.bucket, err)}
}

func publicPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// publicSetACL sets a canned acl on target, or on every object under a
// folder target, with no undo (Make private). It returns how many objects
// changed and stops at the first failure or when ctx ends.
func (s *Service) publicSetACL(ctx context.Context, bucket, target string, acl types.ObjectCannedACL, progress func(int64, int64)) (int64, error) {
	keys, err := s.publicListKeys(ctx, bucket, target, 0)
	if err != nil {
		return 0, err
	}
	var (
		mu       sync.Mutex
		n        int64
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, publicACLParallel)
	)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	for _, k := range keys {
		if wctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := s.svc.SetObjectCannedACL(wctx, bucket, k, acl)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				stop()
				return
			}
			n++
			if progress != nil {
				progress(n, int64(len(keys)))
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return n, err
	}
	return n, firstErr
}
