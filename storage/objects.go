package storage

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxPutSize is the largest object one PutObject may carry.
const maxPutSize = 5 << 30

// Stat reads an object's properties with HeadObject. A missing object gives
// ErrNotFound; a missing bucket gives ErrBucketNotFound (which also matches
// ErrNotFound).
func (s *Service) Stat(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	return s.StatWith(ctx, bucket, key, StatOptions{})
}

// StatOptions choose what StatWith reads.
type StatOptions struct {
	VersionID string // "" = the current version
}

// StatWith is Stat with options (a given version).
func (s *Service) StatWith(ctx context.Context, bucket, key string, opts StatOptions) (ObjectInfo, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if opts.VersionID != "" {
		in.VersionId = aws.String(opts.VersionID)
	}
	out, err := s.client.HeadObject(ctx, in, s.bucketOpts(bucket)...)
	if err != nil {
		return ObjectInfo{}, s.notFoundErr(ctx, "stat", bucket, key, err)
	}
	return headInfo(bucket, key, out), nil
}

// headInfo is a HeadObject answer as an ObjectInfo. It is the one place
// an ObjectInfo is made from a server's answer: Open turns its GetObject
// answer into the same headers first (getHead).
func headInfo(bucket, key string, out *s3.HeadObjectOutput) ObjectInfo {
	return ObjectInfo{
		Bucket:             bucket,
		Key:                key,
		Size:               aws.ToInt64(out.ContentLength),
		ETag:               aws.ToString(out.ETag),
		ContentType:        aws.ToString(out.ContentType),
		CacheControl:       aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition),
		ContentEncoding:    aws.ToString(out.ContentEncoding),
		StorageClass:       string(out.StorageClass),
		Restore:            parseRestore(out.Restore),
		LastModified:       aws.ToTime(out.LastModified),
		VersionID:          aws.ToString(out.VersionId),
		Metadata:           decodeMetadata(out.Metadata),

		ServerSideEncryption: string(out.ServerSideEncryption),
		KMSKeyID:             aws.ToString(out.SSEKMSKeyId),
	}
}

// getHead is the object headers of a GetObject answer as HeadObject gives
// them, for headInfo.
func getHead(out *s3.GetObjectOutput) *s3.HeadObjectOutput {
	return &s3.HeadObjectOutput{
		ContentLength:      out.ContentLength,
		ETag:               out.ETag,
		ContentType:        out.ContentType,
		CacheControl:       out.CacheControl,
		ContentDisposition: out.ContentDisposition,
		ContentEncoding:    out.ContentEncoding,
		StorageClass:       out.StorageClass,
		Restore:            out.Restore,
		LastModified:       out.LastModified,
		VersionId:          out.VersionId,
		Metadata:           out.Metadata,

		ServerSideEncryption: out.ServerSideEncryption,
		SSEKMSKeyId:          out.SSEKMSKeyId,
	}
}

// notFoundErr maps err; a bodiless 404 (HEAD) is told apart into a missing
// bucket or a missing key with one HeadBucket.
func (s *Service) notFoundErr(ctx context.Context, op, bucket, key string, err error) error {
	mapped := mapErr(op, bucket, key, err)
	if errors.Is(mapped, ErrNotFound) && !errors.Is(mapped, ErrBucketNotFound) {
		_, herr := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
		if herr != nil && errors.Is(mapErr(op, bucket, "", herr), ErrBucketNotFound) {
			return mapErr(op, bucket, "", herr)
		}
	}
	return mapped
}

// ReadOptions choose the byte range of a read.
type ReadOptions struct {
	Offset int64 // first byte
	Length int64 // 0 = to the end
	// IfMatch, when set, fails the read (ErrPreconditionFailed) if the
	// object's ETag is no longer this one.
	IfMatch string
	// VersionID reads that version instead of the current one.
	VersionID string
	// Encryption carries the customer key (SSE-C) an object encrypted
	// with one needs; other modes need nothing on reads.
	Encryption ObjectEncryption

	op string // the operation errors name; "" is "read"
}

// Open starts a streaming read of an object, or of a byte range of it. The
// caller must close the reader. The returned ObjectInfo describes the whole
// object (Size is the object's size, not the range's).
//
// Every object read of the storage package goes through Open. A whole-object
// read is verified as it streams (verify.go): against the full-object
// checksum the server sends, else against the MD5 ETag of a single-part,
// non-SSE-KMS/SSE-C object; bytes that do not match end the read with
// ErrProtocol instead of io.EOF. A range cannot be checked against either.
func (s *Service) Open(ctx context.Context, bucket, key string, opts ReadOptions) (io.ReadCloser, ObjectInfo, error) {
	if opts.Offset < 0 || opts.Length < 0 {
		return nil, ObjectInfo{}, &Error{Op: "read", Bucket: bucket, Key: key, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("read: offset and length must not be negative (got %d, %d)", opts.Offset, opts.Length)}
	}
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if opts.IfMatch != "" {
		in.IfMatch = aws.String(opts.IfMatch)
	}
	if opts.VersionID != "" {
		in.VersionId = aws.String(opts.VersionID)
	}
	in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = opts.Encryption.CustomerHeaders()
	switch {
	case opts.Length > 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%d", opts.Offset, opts.Offset+opts.Length-1))
	case opts.Offset > 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", opts.Offset))
	}
	optFns := s.bucketOpts(bucket)
	if in.Range != nil {
		// A whole-object checksum cannot validate a part of the body; some
		// services send one anyway with a range.
		optFns = append(optFns, func(o *s3.Options) {
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		})
	} else {
		// Asked for in compatibility mode too: such servers ignore it or
		// honour it.
		in.ChecksumMode = types.ChecksumModeEnabled
	}
	op := opts.op
	if op == "" {
		op = "read"
	}
	out, err := s.client.GetObject(ctx, in, optFns...)
	if err != nil {
		return nil, ObjectInfo{}, s.notFoundErr(ctx, op, bucket, key, err)
	}
	info := headInfo(bucket, key, getHead(out))
	if cr := aws.ToString(out.ContentRange); cr != "" {
		// "bytes 0-9/1234": the total is after the slash.
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			var total int64
			if _, err := fmt.Sscan(cr[i+1:], &total); err == nil {
				info.Size = total
			}
		}
	}
	r := &readCloser{body: out.Body, op: op, bucket: bucket, key: key}
	if in.Range == nil {
		r.alg = getSums(out).SDKChecked() // checked by the SDK as it streams
		if m, ok := md5ETag(info.ETag, out.ServerSideEncryption, out.SSECustomerAlgorithm); ok && r.alg == "" {
			r.md5, r.wantMD5 = md5.New(), m
		}
	}
	return r, info, nil
}

// readCloser maps errors met while streaming the body, and checks the
// MD5 ETag of a whole-object read at its end.
type readCloser struct {
	body        io.ReadCloser
	op          string
	bucket, key string
	alg         string    // checksum the SDK checks, "" none
	md5         hash.Hash // nil: no MD5 check
	wantMD5     string
}

func (r *readCloser) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if r.md5 != nil {
		r.md5.Write(p[:n])
	}
	if err == io.EOF && r.md5 != nil {
		if got := hex.EncodeToString(r.md5.Sum(nil)); got != r.wantMD5 {
			err = &checksumMismatch{Alg: "MD5", Got: got, Want: r.wantMD5 + " (its ETag)"}
		}
		r.md5 = nil
	}
	if err != nil && err != io.EOF {
		if err = asMismatch(err, r.alg); errors.As(err, new(*checksumMismatch)) {
			return n, &Error{Op: r.op, Bucket: r.bucket, Key: r.key, Kind: ErrProtocol, Err: err,
				Msg: fmt.Sprintf("%s %s: %v; the data is not what the server stored, do not use what was read", r.op, what(r.bucket, r.key), err)}
		}
		err = mapErr(r.op, r.bucket, r.key, err)
	}
	return n, err
}

func (r *readCloser) Close() error { return r.body.Close() }

// verified says what a whole read is checked against (for Progress.Verified).
func (r *readCloser) verified() string {
	switch {
	case r.alg != "":
		return verifiedBy(r.alg)
	case r.wantMD5 != "":
		return verifiedBy("MD5")
	}
	return verifiedSizeOnly
}

// PutOptions are the properties of a new object.
type PutOptions struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ACL                string // canned ACL, e.g. "public-read"; "" = none
	Metadata           map[string]string
	// IfNoneMatch refuses to overwrite an existing key (ErrPreconditionFailed).
	IfNoneMatch bool
	// IfMatch, when set, writes only over the object with this ETag
	// (ErrPreconditionFailed otherwise), where the service honours it.
	IfMatch string
	// Op names the write in the server's errors ("publish report"); ""
	// means "put".
	Op string
}

// Put writes an object with one PutObject. It is meant for small generated
// content (index pages, reports, folder markers); files go through the
// transfer layer. size -1 means unknown: the body is then read into memory
// first. Bodies over 5 GiB give ErrTooLarge.
func (s *Service) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, opts PutOptions) error {
	if key == "" {
		return &Error{Op: "put", Bucket: bucket, Kind: ErrInvalidName, Msg: "put: the object name is empty"}
	}
	if size > maxPutSize {
		return &Error{Op: "put", Bucket: bucket, Key: key, Kind: ErrTooLarge,
			Msg: fmt.Sprintf("put: %s is %d bytes; one request can carry at most 5 GiB, upload it as a file transfer instead", what(bucket, key), size)}
	}
	if body == nil {
		body = bytes.NewReader(nil)
		size = 0
	}
	// The SDK must be able to rewind the body to sign and retry it over
	// plain http; an unseekable body of a small object is buffered.
	rs, seekable := body.(io.ReadSeeker)
	if !seekable || size < 0 {
		var buf []byte
		var err error
		if size >= 0 {
			buf, err = io.ReadAll(io.LimitReader(body, size+1))
		} else {
			buf, err = io.ReadAll(io.LimitReader(body, maxPutSize+1))
		}
		if err != nil {
			return mapErr("put", bucket, key, err)
		}
		if len(buf) > maxPutSize {
			return &Error{Op: "put", Bucket: bucket, Key: key, Kind: ErrTooLarge,
				Msg: fmt.Sprintf("put: %s is over 5 GiB; upload it as a file transfer instead", what(bucket, key))}
		}
		if size >= 0 && int64(len(buf)) != size {
			return &Error{Op: "put", Bucket: bucket, Key: key, Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("put: the data for %s was %d bytes, not the %d announced; nothing was written", what(bucket, key), len(buf), size)}
		}
		rs, size = bytes.NewReader(buf), int64(len(buf))
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          rs,
		ContentLength: aws.Int64(size),
		Metadata:      opts.Metadata,
	}
	if opts.ContentType != "" {
		in.ContentType = aws.String(opts.ContentType)
	}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	if opts.ContentDisposition != "" {
		in.ContentDisposition = aws.String(opts.ContentDisposition)
	}
	if opts.ACL != "" {
		in.ACL = types.ObjectCannedACL(opts.ACL)
	}
	if opts.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	if opts.IfMatch != "" {
		in.IfMatch = aws.String(opts.IfMatch)
	}
	if _, err := s.client.PutObject(ctx, in, s.bucketOpts(bucket)...); err != nil {
		if opts.Op != "" {
			return mapErr(opts.Op, bucket, key, err)
		}
		return mapErr("put", bucket, key, err)
	}
	return nil
}

// CreateFolder creates the zero-byte marker object "prefix/" (a "/" is
// added when missing).
func (s *Service) CreateFolder(ctx context.Context, bucket, prefix string) error {
	if prefix == "" || prefix == Delimiter {
		return &Error{Op: "create folder", Bucket: bucket, Kind: ErrInvalidName, Msg: "create folder: the folder name is empty"}
	}
	if !strings.HasSuffix(prefix, Delimiter) {
		prefix += Delimiter
	}
	if len(prefix) > 1024 {
		return &Error{Op: "create folder", Bucket: bucket, Key: prefix, Kind: ErrInvalidName,
			Msg: fmt.Sprintf("create folder: the full name is %d bytes; S3 allows at most 1024", len(prefix))}
	}
	if err := s.Put(ctx, bucket, prefix, bytes.NewReader(nil), 0, PutOptions{}); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Op = "create folder"
		}
		return err
	}
	return nil
}

// MetadataUpdate is a change of an object's properties. Empty ContentType or
// CacheControl keep the current value; a nil Metadata keeps the user
// metadata, a non-nil one replaces it whole (an empty map clears it).
type MetadataUpdate struct {
	ContentType  string
	CacheControl string
	Metadata     map[string]string
}

// SetMetadata changes Content-Type, Cache-Control and user metadata of an
// existing object by copying it onto itself with MetadataDirective REPLACE.
// Every property not being changed (Content-Disposition, Content-Encoding,
// storage class, the other of the two headers) keeps its value.
func (s *Service) SetMetadata(ctx context.Context, ref ObjectRef, u MetadataUpdate) error {
	info, err := s.Stat(ctx, ref.Bucket, ref.Key)
	if err != nil {
		return err
	}
	props := propsOf(info)
	if u.ContentType != "" {
		props.ContentType = u.ContentType
	}
	if u.CacheControl != "" {
		props.CacheControl = u.CacheControl
	}
	if u.Metadata != nil {
		props.Metadata = u.Metadata
	}
	return s.copyObject(ctx, ref, ref, info, &props, "set metadata")
}
