package storage

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// MultipartUpload is an incomplete multipart upload: storage the account
// pays for that no object shows.
type MultipartUpload struct {
	Bucket    string
	Key       string
	UploadID  string
	Initiated time.Time
	Parts     int   // parts uploaded so far
	Size      int64 // their total size
}

// ListMultipartUploads lists the incomplete multipart uploads under prefix,
// each with its part count and size (one ListParts listing per upload).
func (s *Service) ListMultipartUploads(ctx context.Context, bucket, prefix string) ([]MultipartUpload, error) {
	ups, err := s.listUploads(ctx, bucket, prefix)
	if err != nil {
		return nil, err
	}
	for i := range ups {
		u := &ups[i]
		for out, err := range s.partPages(ctx, "list upload parts", bucket, u.Key, u.UploadID) {
			if err != nil {
				if errors.Is(err, ErrNotFound) { // completed or aborted meanwhile
					break
				}
				return nil, incomplete(err, "list incomplete uploads", bucket, u.Key,
					"the uploads' sizes cannot be shown; nothing was aborted")
			}
			for _, part := range out.Parts {
				u.Parts++
				u.Size += aws.ToInt64(part.Size)
			}
		}
	}
	return ups, nil
}

// listUploads lists the uploads without their parts.
func (s *Service) listUploads(ctx context.Context, bucket, prefix string) ([]MultipartUpload, error) {
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	var out []MultipartUpload
	for page, err := range s.uploadPages(ctx, "list incomplete uploads", in) {
		if err != nil {
			return out, err
		}
		for _, u := range page.Uploads {
			out = append(out, MultipartUpload{
				Bucket:    bucket,
				Key:       aws.ToString(u.Key),
				UploadID:  aws.ToString(u.UploadId),
				Initiated: aws.ToTime(u.Initiated),
			})
		}
	}
	return out, nil
}

// AbortMultipartUpload abandons an incomplete upload and frees its parts.
func (s *Service) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	}, s.bucketOpts(bucket)...)
	return mapErr("abort upload", bucket, key, err)
}
