package sandbox

import (
	"bytes"
	"io"
	"slices"
	"sync"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
)

// safeBackend guards gofakes3's s3bolt backend. s3bolt decodes objects with
// mgo's bson, whose []byte fields (the contents, the hash) alias bbolt's
// memory map; they are handed out after the read transaction ends. A write
// that grows the file remaps that memory, and a later read of the slice
// faults the whole process (SIGSEGV). So: reads copy what they return while
// holding the read lock, and writes hold the write lock, so no remap can
// happen while a read still looks at mapped memory. Upload bodies are read
// from the network before the write lock is taken.
type safeBackend struct {
	mu sync.RWMutex
	b  *s3bolt.Backend
}

var _ gofakes3.Backend = (*safeBackend)(nil)

func (s *safeBackend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.b.ListBuckets()
}

// ListBucket returns only strings built from the keys and hashes, which are
// copies.
func (s *safeBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.b.ListBucket(name, prefix, page)
}

func (s *safeBackend) CreateBucket(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.CreateBucket(name)
}

func (s *safeBackend) BucketExists(name string) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.b.BucketExists(name)
}

func (s *safeBackend) DeleteBucket(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.DeleteBucket(name)
}

func (s *safeBackend) ForceDeleteBucket(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.ForceDeleteBucket(name)
}

func (s *safeBackend) GetObject(bucket, key string, rng *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, err := s.b.GetObject(bucket, key, rng)
	if err != nil {
		return nil, err
	}
	return detach(obj, true)
}

func (s *safeBackend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, err := s.b.HeadObject(bucket, key)
	if err != nil {
		return nil, err
	}
	return detach(obj, false)
}

// detach copies every byte slice of obj out of bbolt's memory.
func detach(obj *gofakes3.Object, withContents bool) (*gofakes3.Object, error) {
	out := *obj
	out.Hash = slices.Clone(obj.Hash)
	if obj.Metadata != nil {
		out.Metadata = make(map[string]string, len(obj.Metadata))
		for k, v := range obj.Metadata {
			out.Metadata[k] = v
		}
	}
	if withContents && obj.Contents != nil {
		data, err := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		if err != nil {
			return nil, err
		}
		out.Contents = io.NopCloser(bytes.NewReader(data))
	} else if obj.Contents != nil {
		obj.Contents.Close()
		out.Contents = io.NopCloser(bytes.NewReader(nil))
	}
	return &out, nil
}

func (s *safeBackend) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64, cond *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	// Read (and so checksum) the body before blocking everyone else.
	data, err := gofakes3.ReadAll(input, size)
	if err != nil {
		return gofakes3.PutObjectResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.PutObject(bucket, key, meta, bytes.NewReader(data), size, cond)
}

func (s *safeBackend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.DeleteObject(bucket, key)
}

func (s *safeBackend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.DeleteMulti(bucket, keys...)
}

// CopyObject goes through the guarded GetObject and PutObject.
func (s *safeBackend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	return gofakes3.CopyObject(s, srcBucket, srcKey, dstBucket, dstKey, meta)
}
