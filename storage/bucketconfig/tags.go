package bucketconfig

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// tagChars are the characters AWS allows in tag keys and values.
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// ValidateTags checks bucket tags as S3 limits them: at most 50, keys of
// 1-128 characters (not beginning with "aws:") used once, values up to 256.
func ValidateTags(tags []Tag) error {
	if len(tags) > 50 {
		return fmt.Errorf("a bucket holds at most 50 tags, not %d", len(tags))
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := t.Key
		switch {
		case strings.TrimSpace(k) == "":
			return fmt.Errorf("a tag has no key (its value is %q)", t.Value)
		case len([]rune(k)) > 128:
			return fmt.Errorf("the tag key %q is longer than 128 characters", k)
		case len([]rune(t.Value)) > 256:
			return fmt.Errorf("the value of tag %q is longer than 256 characters", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return fmt.Errorf("the tag key %q begins with \"aws:\", which AWS keeps for itself", k)
		case !tagChars.MatchString(k):
			return fmt.Errorf("the tag key %q has a character S3 does not allow in tags (letters, digits, spaces and + - = . _ : / @ are allowed)", k)
		case !tagChars.MatchString(t.Value):
			return fmt.Errorf("the value of tag %q has a character S3 does not allow in tags (letters, digits, spaces and + - = . _ : / @ are allowed)", k)
		case seen[k]:
			return fmt.Errorf("the tag key %q is used twice", k)
		}
		seen[k] = true
	}
	return nil
}

// Tags reads bucket's tags, in the order the server gives them (none when
// it has no tag set).
func (s *Service) Tags(ctx context.Context, bucket string) ([]Tag, error) {
	out, err := s.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if code(err) == "NoSuchTagSet" || code(err) == "NoSuchTagSetError" {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("read the bucket tags", FeatureTags, bucket, err)
	}
	var tags []Tag
	for _, t := range out.TagSet {
		tags = append(tags, Tag{aws.ToString(t.Key), aws.ToString(t.Value)})
	}
	return tags, nil
}

// PutTags replaces bucket's tags (none removes them).
func (s *Service) PutTags(ctx context.Context, bucket string, tags []Tag) error {
	const op = "save the bucket tags"
	if err := ValidateTags(tags); err != nil {
		return invalid(op, bucket, err)
	}
	if len(tags) == 0 {
		return s.DeleteTags(ctx, bucket)
	}
	set := make([]types.Tag, 0, len(tags))
	for _, t := range tags {
		set = append(set, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	_, err := s.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &types.Tagging{TagSet: set}}, s.opts(bucket)...)
	return mapErr(op, FeatureTags, bucket, err)
}

// DeleteTags removes bucket's tags.
func (s *Service) DeleteTags(ctx context.Context, bucket string) error {
	_, err := s.client.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	return mapErr("remove the bucket tags", FeatureTags, bucket, err)
}
