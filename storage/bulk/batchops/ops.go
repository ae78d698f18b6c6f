package batchops

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"s3desk/storage/bulk"
)

// OpKind names a Batch Operations operation.
type OpKind string

// The operations S3 Desk hands to Batch Operations.
const (
	OpCopy       OpKind = "S3PutObjectCopy"
	OpTags       OpKind = "S3PutObjectTagging"
	OpDeleteTags OpKind = "S3DeleteObjectTagging"
	OpACL        OpKind = "S3PutObjectAcl"
	OpRestore    OpKind = "S3InitiateRestoreObject"
	OpRetention  OpKind = "S3PutObjectRetention"
	OpLegalHold  OpKind = "S3PutObjectLegalHold"
	OpChecksum   OpKind = "S3ComputeObjectChecksum"
)

// Operation is what a Batch Operations job does to each object.
type Operation struct {
	Kind OpKind
	// Copy: the target bucket and key prefix (AWS puts each copy at
	// TargetPrefix + the full source key), and an optional storage class
	// and metadata replacement.
	TargetBucket string
	TargetPrefix string
	StorageClass string
	ContentType  string
	CacheControl string
	Metadata     map[string]string // with ReplaceMetadata: the new user metadata
	ReplaceMeta  bool
	// Tags: the tag set that replaces each object's.
	Tags map[string]string
	// ACL: "public-read" or "private".
	CannedACL string
	// Restore.
	RestoreDays int32
	RestoreTier string // STANDARD or BULK (Batch Operations has no Expedited)
	// Retention: GOVERNANCE or COMPLIANCE until RetainUntil.
	RetentionMode string
	RetainUntil   time.Time
	// Legal hold: ON or OFF.
	LegalHold string
	// Checksum: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, ... and
	// FULL_OBJECT or COMPOSITE.
	ChecksumAlgorithm string
	ChecksumType      string
}

// ErrDeleteNotBatch: Batch Operations has no delete operation.
var ErrDeleteNotBatch = errors.New("S3 Batch Operations cannot delete objects")

// FromBulk maps a bulk job onto a Batch Operations operation. A delete
// returns ErrDeleteNotBatch (offer LifecycleExpiration); a merge of tags,
// which Batch Operations cannot do (it replaces the whole set), is refused.
func FromBulk(spec bulk.Spec) (Operation, error) {
	switch spec.Op {
	case bulk.Copy:
		d := spec.Dest("")
		if spec.BasePrefix != "" {
			return Operation{}, fmt.Errorf("S3 Batch Operations copies each key whole under the target prefix (%s/%s%s…); it cannot drop the folder %q from the keys. Copy from the bucket's top level, or run this job in S3 Desk", d.Bucket, spec.DestPrefix, spec.BasePrefix, spec.BasePrefix)
		}
		return Operation{Kind: OpCopy, TargetBucket: d.Bucket, TargetPrefix: spec.DestPrefix}, nil
	case bulk.Move:
		return Operation{}, errors.New("S3 Batch Operations cannot move objects (copy, then delete the sources with a lifecycle rule); run this job in S3 Desk")
	case bulk.Delete:
		return Operation{}, ErrDeleteNotBatch
	case bulk.StorageClass:
		return Operation{Kind: OpCopy, TargetBucket: spec.Source.Bucket, StorageClass: spec.Class}, nil
	case bulk.Metadata:
		if spec.Metadata.Metadata == nil {
			return Operation{}, errors.New("S3 Batch Operations replaces all of an object's metadata at once; give the full set, or run this job in S3 Desk")
		}
		return Operation{Kind: OpCopy, TargetBucket: spec.Source.Bucket, ReplaceMeta: true, ContentType: spec.Metadata.ContentType,
			CacheControl: spec.Metadata.CacheControl, Metadata: spec.Metadata.Metadata}, nil
	case bulk.Tags:
		if spec.TagsMerge {
			return Operation{}, errors.New("S3 Batch Operations replaces each object's whole tag set; it cannot add tags to the ones there. Replace the tags, or run this job in S3 Desk")
		}
		if len(spec.Tags) == 0 {
			return Operation{Kind: OpDeleteTags}, nil
		}
		return Operation{Kind: OpTags, Tags: spec.Tags}, nil
	case bulk.ACL:
		acl := "private"
		if spec.Public {
			acl = "public-read"
		}
		return Operation{Kind: OpACL, CannedACL: acl}, nil
	case bulk.Restore:
		tier := strings.ToUpper(spec.RestoreTier)
		if tier == "" {
			tier = "STANDARD"
		}
		if tier == "EXPEDITED" {
			return Operation{}, errors.New("S3 Batch Operations restores with the Standard or Bulk tier only; pick one of those")
		}
		return Operation{Kind: OpRestore, RestoreDays: spec.RestoreDays, RestoreTier: tier}, nil
	}
	return Operation{}, fmt.Errorf("S3 Batch Operations has no %s operation", spec.Op)
}

// jobOperation is op as the S3 Control API takes it.
func (op Operation) jobOperation(partition string) (*types.JobOperation, error) {
	tags := func() []types.S3Tag {
		keys := make([]string, 0, len(op.Tags))
		for k := range op.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]types.S3Tag, 0, len(keys))
		for _, k := range keys {
			out = append(out, types.S3Tag{Key: aws.String(k), Value: aws.String(op.Tags[k])})
		}
		return out
	}
	switch op.Kind {
	case OpCopy:
		c := &types.S3CopyObjectOperation{TargetResource: aws.String("arn:" + partition + ":s3:::" + op.TargetBucket)}
		if op.TargetPrefix != "" {
			c.TargetKeyPrefix = aws.String(op.TargetPrefix)
		}
		if op.StorageClass != "" {
			c.StorageClass = types.S3StorageClass(op.StorageClass)
		}
		if op.ReplaceMeta {
			c.MetadataDirective = types.S3MetadataDirectiveReplace
			c.NewObjectMetadata = &types.S3ObjectMetadata{UserMetadata: op.Metadata}
			if op.ContentType != "" {
				c.NewObjectMetadata.ContentType = aws.String(op.ContentType)
			}
			if op.CacheControl != "" {
				c.NewObjectMetadata.CacheControl = aws.String(op.CacheControl)
			}
		}
		return &types.JobOperation{S3PutObjectCopy: c}, nil
	case OpTags:
		return &types.JobOperation{S3PutObjectTagging: &types.S3SetObjectTaggingOperation{TagSet: tags()}}, nil
	case OpDeleteTags:
		return &types.JobOperation{S3DeleteObjectTagging: &types.S3DeleteObjectTaggingOperation{}}, nil
	case OpACL:
		acl := types.S3CannedAccessControlList(op.CannedACL)
		if acl != types.S3CannedAccessControlListPrivate && acl != types.S3CannedAccessControlListPublicRead {
			return nil, fmt.Errorf("ACL %q: choose private or public-read", op.CannedACL)
		}
		return &types.JobOperation{S3PutObjectAcl: &types.S3SetObjectAclOperation{
			AccessControlPolicy: &types.S3AccessControlPolicy{CannedAccessControlList: acl}}}, nil
	case OpRestore:
		if op.RestoreDays < 1 {
			return nil, errors.New("restore: keep the restored copies for 1 day or more")
		}
		return &types.JobOperation{S3InitiateRestoreObject: &types.S3InitiateRestoreObjectOperation{
			ExpirationInDays: aws.Int32(op.RestoreDays), GlacierJobTier: types.S3GlacierJobTier(op.RestoreTier)}}, nil
	case OpRetention:
		if op.RetainUntil.IsZero() {
			return nil, errors.New("retention: say until when the objects are retained")
		}
		return &types.JobOperation{S3PutObjectRetention: &types.S3SetObjectRetentionOperation{Retention: &types.S3Retention{
			Mode: types.S3ObjectLockRetentionMode(op.RetentionMode), RetainUntilDate: aws.Time(op.RetainUntil)}}}, nil
	case OpLegalHold:
		return &types.JobOperation{S3PutObjectLegalHold: &types.S3SetObjectLegalHoldOperation{
			LegalHold: &types.S3ObjectLockLegalHold{Status: types.S3ObjectLockLegalHoldStatus(op.LegalHold)}}}, nil
	case OpChecksum:
		t := op.ChecksumType
		if t == "" {
			t = string(types.ComputeObjectChecksumTypeFullObject)
		}
		return &types.JobOperation{S3ComputeObjectChecksum: &types.S3ComputeObjectChecksumOperation{
			ChecksumAlgorithm: types.ComputeObjectChecksumAlgorithm(op.ChecksumAlgorithm), ChecksumType: types.ComputeObjectChecksumType(t)}}, nil
	}
	return nil, fmt.Errorf("unknown Batch Operations operation %q", op.Kind)
}

// TrustPolicy is the trust policy the job's IAM role needs: S3 Batch
// Operations may assume it.
const TrustPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "batchoperations.s3.amazonaws.com" },
      "Action": "sts:AssumeRole"
    }
  ]
}`

// PermissionsPolicy is a policy the role needs for op on the objects of
// bucket, reading the manifest and writing the report.
func PermissionsPolicy(partition string, op Operation, bucket, manifestBucket, reportBucket string) string {
	arn := func(b string) string { return "arn:" + partition + ":s3:::" + b }
	var actions []string
	objects := []string{arn(bucket) + "/*"}
	switch op.Kind {
	case OpCopy:
		actions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectAcl", "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectAcl"}
		objects = append(objects, arn(op.TargetBucket)+"/*")
	case OpTags:
		actions = []string{"s3:PutObjectTagging", "s3:PutObjectVersionTagging"}
	case OpDeleteTags:
		actions = []string{"s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"}
	case OpACL:
		actions = []string{"s3:PutObjectAcl", "s3:PutObjectVersionAcl"}
	case OpRestore:
		actions = []string{"s3:RestoreObject"}
	case OpRetention:
		actions = []string{"s3:PutObjectRetention", "s3:BypassGovernanceRetention"}
	case OpLegalHold:
		actions = []string{"s3:PutObjectLegalHold"}
	case OpChecksum:
		actions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes"}
	}
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{"Effect": "Allow", "Action": actions, "Resource": dedupe(objects)},
			{"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:GetObjectVersion"}, "Resource": []string{arn(manifestBucket) + "/*"}},
			{"Effect": "Allow", "Action": []string{"s3:PutObject", "s3:GetBucketLocation"}, "Resource": []string{arn(reportBucket), arn(reportBucket) + "/*"}},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return string(b)
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// DeleteExplanation says why a delete is not handed to Batch Operations
// and what to do instead.
const DeleteExplanation = "S3 Batch Operations has no delete operation (AWS offers none: deleting billions of objects is what lifecycle rules are for). " +
	"A lifecycle expiration rule on the prefix deletes every object under it within about a day, at no request cost. " +
	"Add the rule below in the bucket's lifecycle settings, or run the delete here in S3 Desk (1,000 keys per request)."

// LifecycleExpiration is the lifecycle configuration (XML, as
// PutBucketLifecycleConfiguration takes it) that expires every object under
// prefix after one day, with old versions and unfinished uploads.
func LifecycleExpiration(prefix string) string {
	id := "s3desk-expire-" + strings.Trim(strings.NewReplacer("/", "-", " ", "-").Replace(prefix), "-")
	if len(id) > 255 {
		id = id[:255]
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
	return `<LifecycleConfiguration>
  <Rule>
    <ID>` + esc(id) + `</ID>
    <Filter><Prefix>` + esc(prefix) + `</Prefix></Filter>
    <Status>Enabled</Status>
    <Expiration><Days>1</Days></Expiration>
    <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>
    <AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>
  </Rule>
</LifecycleConfiguration>`
}
