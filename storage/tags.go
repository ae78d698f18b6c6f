package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3's limits on object tags.
const (
	MaxObjectTags  = 10
	MaxTagKeyLen   = 128 // characters
	MaxTagValueLen = 256 // characters
)

const tagsFeature = "object tags"

// ObjectTags reads an object's tags (GetObjectTagging). An object without
// tags gives an empty, non-nil map.
func (s *Service) ObjectTags(ctx context.Context, ref ObjectRef) (map[string]string, error) {
	return s.objectTags(ctx, ref, "read tags")
}

// objectTags is ObjectTags under the name op. A server that answers
// ?tagging as a plain GetObject (gofakes3) gives ErrNotImplemented.
func (s *Service) objectTags(ctx context.Context, ref ObjectRef, op string) (map[string]string, error) {
	out, err := s.client.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		if notXML(err) {
			return nil, unimplemented(op, tagsFeature, ref.Bucket, ref.Key)
		}
		return nil, featureErr(op, tagsFeature, ref.Bucket, ref.Key, err)
	}
	if objectAnswer(out.ResultMetadata) {
		return nil, unimplemented(op, tagsFeature, ref.Bucket, ref.Key)
	}
	tags := make(map[string]string, len(out.TagSet))
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

// PutObjectTags replaces an object's tags with tags (PutObjectTagging).
// An empty map removes them all. Tags over S3's limits (10 tags, keys of
// 1-128 characters, values of at most 256) are refused before any request.
func (s *Service) PutObjectTags(ctx context.Context, ref ObjectRef, tags map[string]string) error {
	if err := ValidateTags(tags); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Bucket, e.Key = ref.Bucket, ref.Key
		}
		return err
	}
	// A server that does not know ?tagging would take the PUT for a
	// PutObject and replace the object with the tag document: ask first.
	if _, err := s.objectTags(ctx, ref, "set tags"); err != nil {
		return err
	}
	_, err := s.client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
		Tagging: &types.Tagging{TagSet: tagSet(tags)},
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		mapped := featureErr("set tags", tagsFeature, ref.Bucket, ref.Key, err)
		var e *Error
		if errors.As(mapped, &e) && (e.Code == "InvalidTag" || e.Code == "InvalidTagError") {
			e.Kind = ErrInvalidArgument
			e.Msg = "set tags: the server refused these tags (" + scrub(apiText(err)) + "); some servers allow fewer characters than S3 (MinIO takes no accented letters in values)"
		}
		return mapped
	}
	return nil
}

// DeleteObjectTags removes all of an object's tags (DeleteObjectTagging).
func (s *Service) DeleteObjectTags(ctx context.Context, ref ObjectRef) error {
	// A server that does not know ?tagging would delete the object.
	if _, err := s.objectTags(ctx, ref, "remove tags"); err != nil {
		return err
	}
	_, err := s.client.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		return featureErr("remove tags", tagsFeature, ref.Bucket, ref.Key, err)
	}
	return nil
}

// ValidateTags checks tags against S3's limits: at most 10 tags, keys of
// 1 to 128 characters not starting with "aws:", values of at most 256
// characters. The error (ErrInvalidArgument) names the offending tag.
func ValidateTags(tags map[string]string) error {
	bad := func(msg string) error {
		return &Error{Op: "set tags", Kind: ErrInvalidArgument, Msg: "set tags: " + msg}
	}
	if len(tags) > MaxObjectTags {
		return bad(fmt.Sprintf("an object can have at most %d tags, not %d; remove %d", MaxObjectTags, len(tags), len(tags)-MaxObjectTags))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v := tags[k]
		switch n := utf8.RuneCountInString(k); {
		case strings.TrimSpace(k) == "":
			return bad("a tag needs a key (its name); the empty key is not allowed")
		case n > MaxTagKeyLen:
			return bad(fmt.Sprintf("the tag key %q is %d characters; keys can have at most %d", short(k), n, MaxTagKeyLen))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return bad(fmt.Sprintf("the tag key %q starts with \"aws:\", which S3 reserves for itself; choose another key", short(k)))
		case !utf8.ValidString(k) || !utf8.ValidString(v):
			return bad(fmt.Sprintf("the tag %q is not valid UTF-8 text", short(k)))
		}
		if n := utf8.RuneCountInString(v); n > MaxTagValueLen {
			return bad(fmt.Sprintf("the value of tag %q is %d characters; values can have at most %d", short(k), n, MaxTagValueLen))
		}
		if r, ok := badTagRune(k); ok {
			return bad(fmt.Sprintf("the tag key %q contains %q; tags may hold letters, digits, spaces and + - = . _ : / @", short(k), r))
		}
		if r, ok := badTagRune(v); ok {
			return bad(fmt.Sprintf("the value of tag %q contains %q; tags may hold letters, digits, spaces and + - = . _ : / @", short(k), r))
		}
	}
	return nil
}

// badTagRune is the first character S3 does not allow in a tag.
func badTagRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || r == ' ' || strings.ContainsRune("+-=._:/@", r) {
			continue
		}
		return r, true
	}
	return 0, false
}

// short cuts a long text for a message.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:37]) + "..."
}

// tagSet is tags sorted by key, as the SDK sends them.
func tagSet(tags map[string]string) []types.Tag {
	set := make([]types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return set
}

// tagHeader is tags as the x-amz-tagging header of a write: a URL query.
func tagHeader(tags map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(EscapeKey(k))
		b.WriteByte('=')
		b.WriteString(EscapeKey(tags[k]))
	}
	return b.String()
}
