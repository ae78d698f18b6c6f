package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	// maxCopySize is the largest object one CopyObject may copy; larger
	// objects are copied part by part with UploadPartCopy.
	maxCopySize = 5 << 30
	// copyPartSize is the usual part size of a multipart copy.
	copyPartSize = 512 << 20
	maxParts     = 10000
	copyWorkers  = 4 // parts of one multipart copy in flight
	// folderWorkers is how many objects of a folder copy are in flight;
	// server-side copies cost the client almost nothing.
	folderWorkers = 16
)

// objectProps are the properties a copy writes when it replaces them.
type objectProps struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	Metadata           map[string]string
	Tagging            string // x-amz-tagging of a multipart copy; "" none
}

func propsOf(info ObjectInfo) objectProps {
	return objectProps{
		ContentType:        info.ContentType,
		CacheControl:       info.CacheControl,
		ContentDisposition: info.ContentDisposition,
		ContentEncoding:    info.ContentEncoding,
		Metadata:           info.Metadata,
	}
}

// copyLimits are the multipart-copy threshold and part size; tests lower
// them to exercise the multipart path with small objects.
func (s *Service) copyLimits() (threshold, part int64) {
	threshold, part = maxCopySize, copyPartSize
	if s.copyThreshold > 0 {
		threshold = s.copyThreshold
	}
	if s.copyPart > 0 {
		part = s.copyPart
	}
	return threshold, part
}

// copySource is the x-amz-copy-source value: bucket/key with every byte
// outside the unreserved set percent-encoded ("/" kept), so that spaces,
// "+", "%", "?", "#" and unicode reach the service intact.
func copySource(bucket, key string) string {
	return bucket + "/" + EscapeKey(key)
}

// Copy copies an object, within or across buckets, keeping its
// Content-Type, Cache-Control, Content-Disposition, Content-Encoding and user
// metadata. Objects over 5 GiB are copied with a multipart copy.
func (s *Service) Copy(ctx context.Context, src, dst ObjectRef) error {
	if dst.Key == "" {
		return &Error{Op: "copy", Bucket: dst.Bucket, Kind: ErrInvalidName, Msg: "copy: the new name is empty"}
	}
	if src == dst {
		return nil
	}
	info, err := s.Stat(ctx, src.Bucket, src.Key)
	if err != nil {
		return err
	}
	return s.copyObject(ctx, src, dst, info, nil, "copy")
}

// Rename copies src to dst and then deletes src. The source is only
// deleted once the copy succeeded.
func (s *Service) Rename(ctx context.Context, src, dst ObjectRef) error {
	if src == dst {
		return nil
	}
	if err := s.Copy(ctx, src, dst); err != nil {
		return renameOp(err)
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(src.Bucket), Key: aws.String(src.Key)}, s.bucketOpts(src.Bucket)...); err != nil {
		return mapErr("rename (remove the old name)", src.Bucket, src.Key, err)
	}
	return nil
}

func renameOp(err error) error {
	var e *Error
	if errors.As(err, &e) && strings.HasPrefix(e.Msg, e.Op+":") {
		e.Msg = "rename" + strings.TrimPrefix(e.Msg, e.Op)
		e.Op = "rename"
	}
	return err
}

// RenameFolder moves every key under "oldPrefix/" to "newPrefix/" in the
// same bucket (copy, then delete the copied sources). A source is deleted
// only after its copy succeeded, so a failure part-way loses nothing.
// progress, if set, gets the running count of copied objects.
func (s *Service) RenameFolder(ctx context.Context, bucket, oldPrefix, newPrefix string, progress func(done int64)) error {
	return s.MoveFolder(ctx, ObjectRef{Bucket: bucket, Key: oldPrefix}, ObjectRef{Bucket: bucket, Key: newPrefix}, progress)
}

// MoveFolder is RenameFolder across buckets: every key under src.Key+"/"
// moves to dst.Key+"/" in dst.Bucket.
func (s *Service) MoveFolder(ctx context.Context, src, dst ObjectRef, progress func(done int64)) error {
	return s.copyFolder(ctx, src, dst, true, progress)
}

// CopyFolder copies every key under src.Key+"/" to dst.Key+"/" in
// dst.Bucket, keeping properties and metadata.
func (s *Service) CopyFolder(ctx context.Context, src, dst ObjectRef, progress func(done int64)) error {
	return s.copyFolder(ctx, src, dst, false, progress)
}

func (s *Service) copyFolder(ctx context.Context, src, dst ObjectRef, move bool, progress func(int64)) error {
	op := "copy folder"
	if move {
		op = "rename folder"
	}
	fromPrefix, err := folderPrefix(op, src.Bucket, src.Key)
	if err != nil {
		return err
	}
	to, err := folderPrefix(op, dst.Bucket, dst.Key)
	if err != nil {
		return err
	}
	if src.Bucket == dst.Bucket {
		if fromPrefix == to {
			return nil
		}
		if strings.HasPrefix(to, fromPrefix) {
			return &Error{Op: op, Bucket: src.Bucket, Key: fromPrefix, Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("%s: cannot put folder %q inside itself (%q)", op, fromPrefix, to)}
		}
	}
	// Collect first: listing a folder while it is being emptied is not
	// something every service pages through correctly.
	var objs []Entry
	for page, err := range s.List(ctx, src.Bucket, ListOptions{Prefix: fromPrefix, Recursive: true}) {
		if err != nil {
			return err
		}
		objs = append(objs, page.Objects...)
	}
	threshold, _ := s.copyLimits()
	var (
		mu       sync.Mutex
		done     int64
		firstErr error
		copied   []string
	)
	jobs := make(chan Entry)
	var wg sync.WaitGroup
	for range folderWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				from := ObjectRef{Bucket: src.Bucket, Key: o.Key}
				target := ObjectRef{Bucket: dst.Bucket, Key: to + strings.TrimPrefix(o.Key, fromPrefix)}
				var err error
				if o.Size > threshold {
					err = s.Copy(ctx, from, target) // needs the properties: HEAD first
				} else {
					// The listing already says what a plain CopyObject
					// needs; the service copies the properties itself.
					// (No ETag condition: some services list ETags in
					// another form than HEAD returns them.)
					info := ObjectInfo{Bucket: src.Bucket, Key: o.Key, Size: o.Size, StorageClass: o.StorageClass}
					err = s.copyObject(ctx, from, target, info, nil, op)
				}
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					copied = append(copied, o.Key)
					done++
					if progress != nil {
						progress(done)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, o := range objs {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		jobs <- o
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = mapErr(op, src.Bucket, fromPrefix, ctx.Err())
	}
	if move && len(copied) > 0 {
		res, err := s.deleteKeys(context.WithoutCancel(ctx), src.Bucket, copied, nil)
		if err == nil && len(res.Failed) > 0 {
			err = res.Failed[0].Err
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// copyObject copies src (described by info) to dst. With props nil the
// service copies the properties itself (MetadataDirective COPY); otherwise
// they are replaced by props (MetadataDirective REPLACE). The copy is made
// only if src still has info's ETag.
func (s *Service) copyObject(ctx context.Context, src, dst ObjectRef, info ObjectInfo, props *objectProps, op string) error {
	if info.Size == 0 && strings.HasSuffix(dst.Key, Delimiter) {
		// A folder marker: write it afresh. (Some services, versitygw
		// among them, keep markers as directories and refuse to copy one.)
		p := propsOf(info)
		if props != nil {
			p = *props
		}
		err := s.Put(ctx, dst.Bucket, dst.Key, nil, 0, PutOptions{
			ContentType: p.ContentType, CacheControl: p.CacheControl, ContentDisposition: p.ContentDisposition, Metadata: p.Metadata,
		})
		var e *Error
		if errors.As(err, &e) {
			e.Op = op
		}
		return err
	}
	threshold, part := s.copyLimits()
	if info.Size > threshold {
		p := propsOf(info)
		if props != nil {
			p = *props
		}
		return s.multipartCopy(ctx, src, dst, info, p, part, op)
	}
	in := &s3.CopyObjectInput{
		Bucket:     aws.String(dst.Bucket),
		Key:        aws.String(dst.Key),
		CopySource: aws.String(copySource(src.Bucket, src.Key)),
	}
	if info.ETag != "" {
		in.CopySourceIfMatch = aws.String(info.ETag)
	}
	if info.StorageClass != "" && info.StorageClass != string(types.StorageClassStandard) {
		in.StorageClass = types.StorageClass(info.StorageClass)
	}
	if props != nil {
		in.MetadataDirective = types.MetadataDirectiveReplace
		in.ContentType = nonEmpty(props.ContentType)
		in.CacheControl = nonEmpty(props.CacheControl)
		in.ContentDisposition = nonEmpty(props.ContentDisposition)
		in.ContentEncoding = nonEmpty(props.ContentEncoding)
		in.Metadata = props.Metadata
		if in.Metadata == nil {
			in.Metadata = map[string]string{}
		}
	}
	if _, err := s.client.CopyObject(ctx, in, s.bucketOpts(dst.Bucket)...); err != nil {
		return s.copyErr(ctx, op, src, dst, err)
	}
	return nil
}

// copyErr maps a copy failure, naming the source when it is the source
// that is missing.
func (s *Service) copyErr(ctx context.Context, op string, src, dst ObjectRef, err error) error {
	mapped := mapErr(op, dst.Bucket, dst.Key, err)
	var e *Error
	if errors.As(mapped, &e) && e.Code == "NoSuchKey" {
		return mapErr(op, src.Bucket, src.Key, err)
	}
	return mapped
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// multipartCopy copies an object part by part with UploadPartCopy, a few
// parts at a time, and aborts the upload if anything fails.
func (s *Service) multipartCopy(ctx context.Context, src, dst ObjectRef, info ObjectInfo, p objectProps, part int64, op string) error {
	if need := (info.Size + maxParts - 1) / maxParts; part < need {
		part = need
	}
	create := &s3.CreateMultipartUploadInput{
		Bucket:             aws.String(dst.Bucket),
		Key:                aws.String(dst.Key),
		ContentType:        nonEmpty(p.ContentType),
		CacheControl:       nonEmpty(p.CacheControl),
		ContentDisposition: nonEmpty(p.ContentDisposition),
		ContentEncoding:    nonEmpty(p.ContentEncoding),
		Metadata:           p.Metadata,
		Tagging:            nonEmpty(p.Tagging),
	}
	if info.StorageClass != "" && info.StorageClass != string(types.StorageClassStandard) {
		create.StorageClass = types.StorageClass(info.StorageClass)
	}
	up, err := s.client.CreateMultipartUpload(ctx, create, s.bucketOpts(dst.Bucket)...)
	if err != nil {
		return mapErr(op, dst.Bucket, dst.Key, err)
	}
	uploadID := aws.ToString(up.UploadId)
	abort := func() {
		_, _ = s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: aws.String(dst.Bucket), Key: aws.String(dst.Key), UploadId: aws.String(uploadID),
		}, s.bucketOpts(dst.Bucket)...)
	}
	n := int((info.Size + part - 1) / part)
	parts := make([]types.CompletedPart, n)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, copyWorkers)
	for i := range n {
		first := int64(i) * part
		last := min(first+part, info.Size) - 1
		sem <- struct{}{}
		if cctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			in := &s3.UploadPartCopyInput{
				Bucket:          aws.String(dst.Bucket),
				Key:             aws.String(dst.Key),
				UploadId:        aws.String(uploadID),
				PartNumber:      aws.Int32(int32(i + 1)),
				CopySource:      aws.String(copySource(src.Bucket, src.Key)),
				CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", first, last)),
			}
			if info.ETag != "" {
				in.CopySourceIfMatch = aws.String(info.ETag)
			}
			out, err := s.client.UploadPartCopy(cctx, in, s.bucketOpts(dst.Bucket)...)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = s.copyErr(ctx, op, src, dst, err)
					cancel()
				}
				return
			}
			cp := types.CompletedPart{PartNumber: aws.Int32(int32(i + 1))}
			if out.CopyPartResult != nil {
				cp.ETag = out.CopyPartResult.ETag
				cp.ChecksumCRC32 = out.CopyPartResult.ChecksumCRC32
				cp.ChecksumCRC32C = out.CopyPartResult.ChecksumCRC32C
				cp.ChecksumCRC64NVME = out.CopyPartResult.ChecksumCRC64NVME
				cp.ChecksumSHA1 = out.CopyPartResult.ChecksumSHA1
				cp.ChecksumSHA256 = out.CopyPartResult.ChecksumSHA256
			}
			parts[i] = cp
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = mapErr(op, dst.Bucket, dst.Key, ctx.Err())
	}
	if firstErr != nil {
		abort()
		return firstErr
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(dst.Bucket),
		Key:             aws.String(dst.Key),
		UploadId:        aws.String(uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	}, s.bucketOpts(dst.Bucket)...)
	if err != nil {
		abort()
		return mapErr(op, dst.Bucket, dst.Key, err)
	}
	return nil
}
