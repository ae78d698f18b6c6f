package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// deleteBatch is the most keys one DeleteObjects request may name.
const deleteBatch = 1000

// DeleteFailure is one key the service refused to delete.
type DeleteFailure struct {
	Key string
	Err error
}

// DeleteResult counts what a delete did.
type DeleteResult struct {
	Deleted int64
	Failed  []DeleteFailure
}

// deleteErr maps one per-key failure of a DeleteObjects answer.
func deleteErr(bucket, key, code, msg string) error {
	return mapErr("delete", bucket, key, &smithy.GenericAPIError{Code: code, Message: msg})
}

// DeleteObjects deletes keys in batches of 1000 (DeleteObjects). Keys the
// service refuses are listed in Failed with a mapped error; the returned
// error is for a whole request that failed (then the result still counts
// what earlier batches deleted).
func (s *Service) DeleteObjects(ctx context.Context, bucket string, keys []string) (DeleteResult, error) {
	return s.deleteKeys(ctx, bucket, keys, nil)
}

func (s *Service) deleteKeys(ctx context.Context, bucket string, keys []string, progress func(int64)) (DeleteResult, error) {
	seen := make(map[string]bool, len(keys))
	uniq := make([]string, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	ids := make([]types.ObjectIdentifier, len(uniq))
	for i, k := range uniq {
		ids[i] = types.ObjectIdentifier{Key: aws.String(k)}
	}
	return s.deleteIdentified(ctx, "delete", bucket, ids, progress)
}

// deleteIdentified is the one batched DeleteObjects (keys, or versions
// with their IDs): batches of 1000, Content-MD5 where the service needs
// it, each key the service refuses in Failed with a mapped error.
func (s *Service) deleteIdentified(ctx context.Context, op, bucket string, ids []types.ObjectIdentifier, progress func(int64)) (DeleteResult, error) {
	var res DeleteResult
	for start := 0; start < len(ids); start += deleteBatch {
		batch := ids[start:min(start+deleteBatch, len(ids))]
		out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(bucket),
			Delete: &types.Delete{Objects: batch, Quiet: aws.Bool(true)},
		}, s.contentMD5Opts(bucket)...)
		if err != nil {
			return res, mapErr(op, bucket, "", err)
		}
		for _, e := range out.Errors {
			k := aws.ToString(e.Key)
			res.Failed = append(res.Failed, DeleteFailure{Key: k, Err: deleteErr(bucket, k, aws.ToString(e.Code), aws.ToString(e.Message))})
		}
		res.Deleted += int64(len(batch) - len(out.Errors))
		if progress != nil {
			progress(res.Deleted)
		}
	}
	return res, nil
}

// DeletePlan is what DeleteFolder would delete, for the user to confirm.
type DeletePlan struct {
	Bucket  string
	Prefix  string // the folder, ending in "/"
	Objects int64
	Bytes   int64
}

// folderPrefix turns a folder name into the prefix of exactly its keys.
func folderPrefix(op, bucket, prefix string) (string, error) {
	if prefix == "" {
		return "", &Error{Op: op, Bucket: bucket, Kind: ErrInvalidArgument,
			Msg: op + ": no folder was named; to remove everything, delete the bucket with \"force\""}
	}
	if !strings.HasSuffix(prefix, Delimiter) {
		prefix += Delimiter
	}
	return prefix, nil
}

// PlanDeleteFolder counts the objects and bytes DeleteFolder would remove:
// exactly the keys under "prefix/" (a "/" is added when missing).
func (s *Service) PlanDeleteFolder(ctx context.Context, bucket, prefix string) (DeletePlan, error) {
	p, err := folderPrefix("plan folder delete", bucket, prefix)
	if err != nil {
		return DeletePlan{}, err
	}
	u, err := s.Usage(ctx, bucket, p, nil)
	return DeletePlan{Bucket: bucket, Prefix: p, Objects: u.Objects, Bytes: u.Bytes}, err
}

// DeleteFolder deletes exactly the keys under "prefix/" (a "/" is added when
// missing), the folder's own marker included. It never touches "prefix",
// "prefix-other" or "prefixX/...". progress, if set, gets the running count.
func (s *Service) DeleteFolder(ctx context.Context, bucket, prefix string, progress func(deleted int64)) (DeleteResult, error) {
	p, err := folderPrefix("delete folder", bucket, prefix)
	if err != nil {
		return DeleteResult{}, err
	}
	return s.deleteListed(ctx, bucket, p, "delete folder", progress)
}

// deleteWorkers is how many DeleteObjects requests run while the listing
// goes on.
const deleteWorkers = 4

// deleteListed deletes every key of a recursive listing under prefix, a
// few batches at a time while the listing continues. Keys the service lists
// outside prefix stop it before anything of that page is deleted.
func (s *Service) deleteListed(ctx context.Context, bucket, prefix, op string, progress func(int64)) (DeleteResult, error) {
	var (
		res      DeleteResult
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	jobs := make(chan []string, deleteWorkers)
	for range deleteWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for keys := range jobs {
				r, err := s.deleteKeys(ctx, bucket, keys, nil)
				mu.Lock()
				res.Deleted += r.Deleted
				res.Failed = append(res.Failed, r.Failed...)
				if progress != nil && r.Deleted > 0 {
					progress(res.Deleted)
				}
				mu.Unlock()
				if err != nil {
					fail(err)
				}
			}
		}()
	}
list:
	for page, err := range s.List(ctx, bucket, ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			fail(err)
			break
		}
		keys := make([]string, 0, len(page.Objects))
		for _, o := range page.Objects {
			if !strings.HasPrefix(o.Key, prefix) { // never trust the server's filter with a delete
				fail(&Error{Op: op, Bucket: bucket, Key: o.Key, Kind: ErrProtocol,
					Msg: fmt.Sprintf("%s: the service listed %q under %q; stopped without deleting it", op, o.Key, prefix)})
				break list
			}
			keys = append(keys, o.Key)
		}
		select {
		case jobs <- keys:
		case <-ctx.Done():
			break list
		}
	}
	close(jobs)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if firstErr == nil && ctx.Err() != nil {
		// Cancelled by the caller (fail cancels only after setting firstErr).
		firstErr = mapErr(op, bucket, prefix, context.Cause(ctx))
	}
	return res, firstErr
}
