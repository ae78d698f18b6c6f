package sharing

// partitioned is a service that knows its region's ARN partition (aws,
// aws-cn or aws-us-gov); the storage service does.
type partitioned interface{ Partition() string }

// objectARN is the S3 resource a bucket-policy statement names for pattern
// (a key, or a prefix ending in "*"), in the service's own partition. The
// partition is the storage service's; "aws" only for a service that does not
// say.
func objectARN(store any, bucket, pattern string) string {
	part := "aws"
	if p, ok := store.(partitioned); ok && p.Partition() != "" {
		part = p.Partition()
	}
	return "arn:" + part + ":s3:::" + bucket + "/" + pattern
}
