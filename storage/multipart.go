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
		p := s3.NewListPartsPaginator(s.client, &s3.ListPartsInput{
			Bucket: aws.String(bucket), Key: aws.String(u.Key), UploadId: aws.String(u.UploadID),
		})
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, s.bucketOpts(bucket)...)
			if err != nil {
				me := mapErr("list upload parts", bucket, u.Key, err)
				if errors.Is(me, ErrNotFound) { // completed or aborted meanwhile
					break
				}
				return nil, me
			}
			for _, part := range out.Parts {
				u.Parts++
				u.Size += aws.ToInt64(part.Size)
			}
			if pages++; pages > maxParts {
				break
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
	p := s3.NewListMultipartUploadsPaginator(s.client, in)
	var out []MultipartUpload
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, s.bucketOpts(bucket)...)
		if err != nil {
			return out, mapErr("list incomplete uploads", bucket, "", err)
		}
		for _, u := range page.Uploads {
			out = append(out, MultipartUpload{
				Bucket:    bucket,
				Key:       aws.ToString(u.Key),
				UploadID:  aws.ToString(u.UploadId),
				Initiated: aws.ToTime(u.Initiated),
			})
		}
		if pages++; pages > 100000 {
			return out, &Error{Op: "list incomplete uploads", Bucket: bucket, Kind: ErrProtocol,
				Msg: "list incomplete uploads: the service keeps returning pages; stopped"}
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
