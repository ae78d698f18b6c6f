package storage

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// InventoryConfig is one S3 Inventory configuration of a bucket: where
// its reports go and in which format.
type InventoryConfig struct {
	ID                string
	Enabled           bool
	DestinationBucket string // the bucket's name (from its ARN)
	DestinationPrefix string
	Format            string // "CSV", "ORC" or "Parquet"
	Frequency         string // "Daily" or "Weekly"
	AllVersions       bool
	Prefix            string // the filter, "" for the whole bucket
}

// ReportPrefix is where the reports of this configuration for bucket are
// written: destination-prefix/source-bucket/config-ID/.
func (c InventoryConfig) ReportPrefix(bucket string) string {
	p := c.DestinationPrefix
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p + bucket + "/" + c.ID + "/"
}

// InventoryConfigurations lists the S3 Inventory configurations of bucket
// (ListBucketInventoryConfigurations, every page).
func (s *Service) InventoryConfigurations(ctx context.Context, bucket string) ([]InventoryConfig, error) {
	const op = "list inventory configurations"
	var out []InventoryConfig
	var token *string
	for range 1000 { // at most 1,000 configurations per bucket; pages of 100
		res, err := s.client.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{
			Bucket: aws.String(bucket), ContinuationToken: token,
		}, s.bucketOpts(bucket)...)
		if err != nil {
			return nil, featureErr(op, "S3 Inventory", bucket, "", err)
		}
		for _, c := range res.InventoryConfigurationList {
			ic := InventoryConfig{ID: aws.ToString(c.Id), Enabled: aws.ToBool(c.IsEnabled), AllVersions: c.IncludedObjectVersions == "All"}
			if c.Schedule != nil {
				ic.Frequency = string(c.Schedule.Frequency)
			}
			if c.Filter != nil {
				ic.Prefix = aws.ToString(c.Filter.Prefix)
			}
			if c.Destination != nil && c.Destination.S3BucketDestination != nil {
				d := c.Destination.S3BucketDestination
				ic.DestinationBucket = strings.TrimPrefix(aws.ToString(d.Bucket), "arn:aws:s3:::")
				if i := strings.LastIndex(ic.DestinationBucket, ":::"); i >= 0 {
					ic.DestinationBucket = ic.DestinationBucket[i+3:]
				}
				ic.DestinationPrefix = aws.ToString(d.Prefix)
				ic.Format = string(d.Format)
			}
			out = append(out, ic)
		}
		next := res.NextContinuationToken
		if !aws.ToBool(res.IsTruncated) || next == nil {
			return out, nil
		}
		if token != nil && *next == *token {
			return out, &Error{Op: op, Bucket: bucket, Kind: ErrProtocol, Msg: op + ": the service repeated its continuation token; stopped"}
		}
		token = next
	}
	return out, nil
}
