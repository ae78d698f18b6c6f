package bucketconfig

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Algorithm is a default-encryption algorithm.
type Algorithm string

// Default encryption choices.
const (
	NoEncryption Algorithm = ""
	SSES3        Algorithm = "AES256"  // keys managed by S3 (SSE-S3)
	SSEKMS       Algorithm = "aws:kms" // a KMS key (SSE-KMS)
)

// Encryption is a bucket's default encryption of new objects.
type Encryption struct {
	Algorithm Algorithm
	// KMSKeyID is the KMS key (ID, ARN or alias) for SSE-KMS; "" is the
	// account's AWS-managed key (aws/s3).
	KMSKeyID string
	// BucketKey uses an S3 Bucket Key to cut KMS requests (SSE-KMS only).
	BucketKey bool
}

// Validate says in words what is wrong with e.
func (e Encryption) Validate() error {
	switch e.Algorithm {
	case SSES3:
		if e.KMSKeyID != "" {
			return fmt.Errorf("a KMS key is given but the algorithm is SSE-S3; choose SSE-KMS or clear the key")
		}
	case SSEKMS:
		if strings.ContainsAny(e.KMSKeyID, " \t\n") {
			return fmt.Errorf("the KMS key ID %q contains spaces", e.KMSKeyID)
		}
	case NoEncryption:
		return fmt.Errorf("choose SSE-S3 or SSE-KMS (S3 encrypts every new object by default; a bucket cannot be set to no encryption)")
	default:
		return fmt.Errorf("unknown encryption algorithm %q; choose SSE-S3 or SSE-KMS", e.Algorithm)
	}
	return nil
}

// Encryption reads bucket's default encryption (NoEncryption when it has
// none).
func (s *Service) Encryption(ctx context.Context, bucket string) (Encryption, error) {
	out, err := s.client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if code(err) == "ServerSideEncryptionConfigurationNotFoundError" {
		return Encryption{}, nil
	}
	if err != nil {
		return Encryption{}, mapErr("read the default encryption", FeatureEncryption, bucket, err)
	}
	if out.ServerSideEncryptionConfiguration != nil {
		for _, r := range out.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				return Encryption{Algorithm: Algorithm(d.SSEAlgorithm), KMSKeyID: aws.ToString(d.KMSMasterKeyID), BucketKey: aws.ToBool(r.BucketKeyEnabled)}, nil
			}
		}
	}
	return Encryption{}, nil
}

// PutEncryption sets bucket's default encryption.
func (s *Service) PutEncryption(ctx context.Context, bucket string, e Encryption) error {
	const op = "save the default encryption"
	if err := e.Validate(); err != nil {
		return invalid(op, bucket, err)
	}
	def := &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryption(e.Algorithm)}
	rule := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: def}
	if e.Algorithm == SSEKMS {
		if e.KMSKeyID != "" {
			def.KMSMasterKeyID = aws.String(e.KMSKeyID)
		}
		rule.BucketKeyEnabled = aws.Bool(e.BucketKey)
	}
	_, err := s.client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}}, s.opts(bucket)...)
	return mapErr(op, FeatureEncryption, bucket, err)
}
