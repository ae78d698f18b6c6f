package storage

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// contentMD5Opts makes a request that S3 requires an integrity header for
// (DeleteObjects) carry Content-MD5 instead of the SDK's newer
// x-amz-checksum-crc32, which older S3-compatible services (Ceph, B2,
// older MinIO) do not accept. Only in Compatibility mode.
func (s *Service) contentMD5Opts(bucket string) []func(*s3.Options) {
	opts := s.bucketOpts(bucket)
	if !s.cfg.Compatibility {
		return opts
	}
	return append(opts, func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Insert(contentMD5{}, "Signing", middleware.Before)
		})
	})
}

type contentMD5 struct{}

func (contentMD5) ID() string { return "S3Desk:ContentMD5" }

func (contentMD5) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return next.HandleFinalize(ctx, in)
	}
	if body := req.GetStream(); body != nil {
		h := md5.New()
		if _, err := io.Copy(h, body); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("compute Content-MD5: %w", err)
		}
		if err := req.RewindStream(); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("rewind body after Content-MD5: %w", err)
		}
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(h.Sum(nil)))
	}
	for name := range req.Header {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-checksum-") || l == "x-amz-sdk-checksum-algorithm" {
			req.Header.Del(name)
		}
	}
	return next.HandleFinalize(ctx, in)
}
