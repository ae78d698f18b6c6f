package bucketconfig

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// Tag is one key=value tag (of a bucket, or of a lifecycle rule's filter).
type Tag struct{ Key, Value string }

// LifecycleRule is one lifecycle rule as the settings window shows it. What
// the model does not show (a date instead of days, size filters, further
// transitions, ...) is kept from the rule as read and saved back unchanged;
// Extras names it.
type LifecycleRule struct {
	ID      string
	Enabled bool
	// Filter: the rule applies to keys starting with Prefix ("" for the
	// whole bucket) that carry all of Tags.
	Prefix string
	Tags   []Tag
	// Actions; 0 (or "") is "none".
	ExpireDays           int    // expire current versions N days after creation
	NoncurrentExpireDays int    // remove non-current versions N days after they became non-current
	TransitionDays       int    // move to TransitionClass N days after creation
	TransitionClass      string // e.g. STANDARD_IA, GLACIER, DEEP_ARCHIVE
	AbortUploadsDays     int    // abort multipart uploads still incomplete N days after they started

	raw types.LifecycleRule
}

// AbortRuleID is the ID of the rule AddAbortIncompleteUploads adds.
const AbortRuleID = "s3desk-abort-incomplete-uploads"

// TransitionClasses are the storage classes AWS transitions to.
var TransitionClasses = []string{"STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}

// Extras names what the rule does beyond the model's fields (kept as is).
func (r LifecycleRule) Extras() []string {
	var out []string
	if e := r.raw.Expiration; e != nil && r.ExpireDays == 0 {
		if e.Date != nil {
			out = append(out, "expires current versions on "+e.Date.Format("2006-01-02"))
		}
		if aws.ToBool(e.ExpiredObjectDeleteMarker) {
			out = append(out, "removes expired delete markers")
		}
	}
	if f := r.raw.Filter; f != nil && (f.ObjectSizeGreaterThan != nil || f.ObjectSizeLessThan != nil ||
		(f.And != nil && (f.And.ObjectSizeGreaterThan != nil || f.And.ObjectSizeLessThan != nil))) {
		out = append(out, "filters by object size")
	}
	if n := len(r.raw.Transitions); n > 1 {
		out = append(out, fmt.Sprintf("%d more transitions", n-1))
	}
	if len(r.raw.Transitions) > 0 && r.raw.Transitions[0].Date != nil {
		out = append(out, "transitions on a date")
	}
	if len(r.raw.NoncurrentVersionTransitions) > 0 {
		out = append(out, "transitions non-current versions")
	}
	if nv := r.raw.NoncurrentVersionExpiration; nv != nil && nv.NewerNoncurrentVersions != nil {
		out = append(out, fmt.Sprintf("keeps %d newer non-current versions", aws.ToInt32(nv.NewerNoncurrentVersions)))
	}
	return out
}

// Summary is the rule in a line ("logs/: expire after 30 days; abort
// incomplete uploads after 7 days").
func (r LifecycleRule) Summary() string {
	scope := "whole bucket"
	if r.Prefix != "" {
		scope = r.Prefix
	}
	for _, t := range r.Tags {
		scope += fmt.Sprintf(" [%s=%s]", t.Key, t.Value)
	}
	var acts []string
	if r.ExpireDays > 0 {
		acts = append(acts, fmt.Sprintf("expire after %d days", r.ExpireDays))
	}
	if r.NoncurrentExpireDays > 0 {
		acts = append(acts, fmt.Sprintf("remove old versions after %d days", r.NoncurrentExpireDays))
	}
	if r.TransitionClass != "" {
		acts = append(acts, fmt.Sprintf("move to %s after %d days", r.TransitionClass, r.TransitionDays))
	}
	if r.AbortUploadsDays > 0 {
		acts = append(acts, fmt.Sprintf("abort incomplete uploads after %d days", r.AbortUploadsDays))
	}
	acts = append(acts, r.Extras()...)
	s := scope + ": " + strings.Join(acts, "; ")
	if !r.Enabled {
		s += " (disabled)"
	}
	return s
}

// Validate says in words what is wrong with the rule.
func (r LifecycleRule) Validate() error {
	name := "the rule"
	if r.ID != "" {
		name = fmt.Sprintf("rule %q", r.ID)
	}
	switch {
	case len(r.ID) > 255:
		return fmt.Errorf("%s: the ID is longer than 255 characters", name)
	case r.ExpireDays < 0, r.NoncurrentExpireDays < 0, r.TransitionDays < 0, r.AbortUploadsDays < 0:
		return fmt.Errorf("%s: days cannot be negative", name)
	case r.ExpireDays == 0 && r.NoncurrentExpireDays == 0 && r.TransitionClass == "" && r.AbortUploadsDays == 0 && len(r.Extras()) == 0:
		return fmt.Errorf("%s does nothing; give it at least one action (expire, remove old versions, transition or abort incomplete uploads)", name)
	case r.TransitionClass != "" && r.ExpireDays > 0 && r.ExpireDays <= r.TransitionDays:
		return fmt.Errorf("%s: objects would expire (after %d days) before or when they move to %s (after %d days); expire later or move earlier", name, r.ExpireDays, r.TransitionClass, r.TransitionDays)
	case r.AbortUploadsDays > 0 && len(r.Tags) > 0:
		return fmt.Errorf("%s: aborting incomplete uploads cannot be combined with a tag filter (uploads have no tags yet); use a prefix only", name)
	}
	for _, t := range r.Tags {
		if strings.TrimSpace(t.Key) == "" {
			return fmt.Errorf("%s: a filter tag has no key", name)
		}
	}
	return nil
}

// ValidateRules checks every rule and that IDs are unique.
func ValidateRules(rules []LifecycleRule) error {
	if len(rules) > 1000 {
		return errors.New("a bucket holds at most 1,000 lifecycle rules")
	}
	ids := map[string]bool{}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return err
		}
		if r.ID != "" {
			if ids[r.ID] {
				return fmt.Errorf("two rules have the ID %q; IDs must be unique", r.ID)
			}
			ids[r.ID] = true
		}
	}
	return nil
}

// Lifecycle reads bucket's lifecycle rules (none when it has no lifecycle
// configuration).
func (s *Service) Lifecycle(ctx context.Context, bucket string) ([]LifecycleRule, error) {
	out, err := s.client.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if code(err) == "NoSuchLifecycleConfiguration" {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("read the lifecycle rules", FeatureLifecycle, bucket, err)
	}
	rules := make([]LifecycleRule, 0, len(out.Rules))
	for _, r := range out.Rules {
		rules = append(rules, fromSDKRule(r))
	}
	return rules, nil
}

// PutLifecycle replaces bucket's lifecycle rules with rules (none removes
// the configuration). It reads them back, and answers ErrNotSupported when
// the server dropped an abort-incomplete-uploads action it does not
// implement.
func (s *Service) PutLifecycle(ctx context.Context, bucket string, rules []LifecycleRule) error {
	const op = "save the lifecycle rules"
	if err := ValidateRules(rules); err != nil {
		return invalid(op, bucket, err)
	}
	if len(rules) == 0 {
		_, err := s.client.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
		return mapErr(op, FeatureLifecycle, bucket, err)
	}
	cfg := &types.BucketLifecycleConfiguration{}
	for _, r := range rules {
		cfg.Rules = append(cfg.Rules, r.toSDK())
	}
	_, err := s.client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket), LifecycleConfiguration: cfg}, s.opts(bucket)...)
	switch c := code(err); {
	case err == nil:
	case c == "InvalidStorageClass":
		return &storage.Error{Op: op, Bucket: bucket, Code: c, Kind: storage.ErrInvalidArgument, Err: err,
			Msg: op + ": the server has no such storage class to move objects to (MinIO needs a tier set up first); choose another class"}
	case (c == "InvalidArgument" || c == "MalformedXML") && abortOnly(rules):
		// MinIO knows no AbortIncompleteMultipartUpload: a rule with only
		// that action has, to it, no action at all.
		return notSupported(op, "the lifecycle action that aborts incomplete uploads", bucket,
			"it refused a rule whose only action is that; MinIO, for one, removes stale uploads by itself (its api stale_uploads_expiry setting)", err)
	default:
		return mapErr(op, FeatureLifecycle, bucket, err)
	}
	back, err := s.Lifecycle(ctx, bucket)
	if err != nil {
		return err
	}
	got := map[string]LifecycleRule{}
	for _, r := range back {
		got[r.ID] = r
	}
	for _, r := range rules {
		if b, ok := got[r.ID]; ok && r.ID != "" && r.AbortUploadsDays > 0 && b.AbortUploadsDays != r.AbortUploadsDays {
			return notSupported(op, "the lifecycle action that aborts incomplete uploads", bucket,
				fmt.Sprintf("it saved rule %q without it", r.ID), nil)
		}
	}
	return nil
}

// abortOnly tells whether some rule's only action is aborting uploads.
func abortOnly(rules []LifecycleRule) bool {
	for _, r := range rules {
		if r.AbortUploadsDays > 0 && r.ExpireDays == 0 && r.NoncurrentExpireDays == 0 && r.TransitionClass == "" && len(r.Extras()) == 0 {
			return true
		}
	}
	return false
}

// AddAbortIncompleteUploads makes the bucket abort multipart uploads still
// incomplete days after they started: it updates the whole-bucket rule
// that already does so (AbortRuleID, or another with no filter) or adds
// one, leaving every other rule as it was. It returns the rules saved.
func (s *Service) AddAbortIncompleteUploads(ctx context.Context, bucket string, days int) ([]LifecycleRule, error) {
	if days < 1 {
		return nil, invalid("add the abort-incomplete-uploads rule", bucket, errors.New("the number of days must be at least 1"))
	}
	rules, err := s.Lifecycle(ctx, bucket)
	if err != nil {
		return nil, err
	}
	rules = WithAbortIncompleteUploads(rules, days)
	if err := s.PutLifecycle(ctx, bucket, rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// WithAbortIncompleteUploads is rules with the whole-bucket "abort
// incomplete uploads after days" rule added or updated; the other rules
// are unchanged.
func WithAbortIncompleteUploads(rules []LifecycleRule, days int) []LifecycleRule {
	out := append([]LifecycleRule(nil), rules...)
	at := -1
	for i, r := range out {
		if r.ID == AbortRuleID {
			at = i
			break
		}
		if at < 0 && r.Enabled && r.Prefix == "" && len(r.Tags) == 0 && r.AbortUploadsDays > 0 && !r.sizeFiltered() {
			at = i
		}
	}
	if at >= 0 {
		out[at].AbortUploadsDays = days
		out[at].Enabled = true
		return out
	}
	return append(out, LifecycleRule{ID: AbortRuleID, Enabled: true, AbortUploadsDays: days})
}

func (r LifecycleRule) sizeFiltered() bool {
	f := r.raw.Filter
	return f != nil && (f.ObjectSizeGreaterThan != nil || f.ObjectSizeLessThan != nil ||
		(f.And != nil && (f.And.ObjectSizeGreaterThan != nil || f.And.ObjectSizeLessThan != nil)))
}

func fromSDKRule(r types.LifecycleRule) LifecycleRule {
	m := LifecycleRule{ID: aws.ToString(r.ID), Enabled: r.Status == types.ExpirationStatusEnabled, raw: r}
	m.Prefix = aws.ToString(r.Prefix) //nolint:staticcheck // the deprecated top-level prefix of older rules
	if f := r.Filter; f != nil {
		if f.Prefix != nil {
			m.Prefix = aws.ToString(f.Prefix)
		}
		if f.Tag != nil {
			m.Tags = append(m.Tags, Tag{aws.ToString(f.Tag.Key), aws.ToString(f.Tag.Value)})
		}
		if a := f.And; a != nil {
			if a.Prefix != nil {
				m.Prefix = aws.ToString(a.Prefix)
			}
			for _, t := range a.Tags {
				m.Tags = append(m.Tags, Tag{aws.ToString(t.Key), aws.ToString(t.Value)})
			}
		}
	}
	if e := r.Expiration; e != nil {
		m.ExpireDays = int(aws.ToInt32(e.Days))
	}
	if nv := r.NoncurrentVersionExpiration; nv != nil {
		m.NoncurrentExpireDays = int(aws.ToInt32(nv.NoncurrentDays))
	}
	if len(r.Transitions) > 0 && r.Transitions[0].Date == nil {
		m.TransitionDays = int(aws.ToInt32(r.Transitions[0].Days))
		m.TransitionClass = string(r.Transitions[0].StorageClass)
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		m.AbortUploadsDays = int(aws.ToInt32(a.DaysAfterInitiation))
	}
	return m
}

func (r LifecycleRule) toSDK() types.LifecycleRule {
	out := r.raw
	out.ID = nil
	if r.ID != "" {
		out.ID = aws.String(r.ID)
	}
	out.Status = types.ExpirationStatusDisabled
	if r.Enabled {
		out.Status = types.ExpirationStatusEnabled
	}
	out.Prefix = nil //nolint:staticcheck // always written as a Filter
	out.Filter = r.filter()

	switch e := r.raw.Expiration; {
	case r.ExpireDays > 0:
		out.Expiration = &types.LifecycleExpiration{Days: aws.Int32(int32(r.ExpireDays))}
	case e != nil && (e.Date != nil || aws.ToBool(e.ExpiredObjectDeleteMarker)):
		out.Expiration = &types.LifecycleExpiration{Date: e.Date, ExpiredObjectDeleteMarker: e.ExpiredObjectDeleteMarker}
	default:
		out.Expiration = nil
	}
	out.NoncurrentVersionExpiration = nil
	if r.NoncurrentExpireDays > 0 {
		nv := &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(int32(r.NoncurrentExpireDays))}
		if old := r.raw.NoncurrentVersionExpiration; old != nil {
			nv.NewerNoncurrentVersions = old.NewerNoncurrentVersions
		}
		out.NoncurrentVersionExpiration = nv
	}
	// The model shows the first days-based transition; others stay.
	var rest []types.Transition
	if len(r.raw.Transitions) > 0 && r.raw.Transitions[0].Date == nil {
		rest = r.raw.Transitions[1:]
	} else {
		rest = r.raw.Transitions
	}
	out.Transitions = nil
	if r.TransitionClass != "" {
		out.Transitions = append(out.Transitions, types.Transition{Days: aws.Int32(int32(r.TransitionDays)), StorageClass: types.TransitionStorageClass(r.TransitionClass)})
	}
	out.Transitions = append(out.Transitions, rest...)
	out.AbortIncompleteMultipartUpload = nil
	if r.AbortUploadsDays > 0 {
		out.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(int32(r.AbortUploadsDays))}
	}
	return out
}

// filter is the rule's filter: a prefix, one tag, or an And of them (and of
// the size limits kept from the rule as read).
func (r LifecycleRule) filter() *types.LifecycleRuleFilter {
	var gt, lt *int64
	if f := r.raw.Filter; f != nil {
		gt, lt = f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
		if f.And != nil {
			if f.And.ObjectSizeGreaterThan != nil {
				gt = f.And.ObjectSizeGreaterThan
			}
			if f.And.ObjectSizeLessThan != nil {
				lt = f.And.ObjectSizeLessThan
			}
		}
	}
	conds := len(r.Tags)
	if r.Prefix != "" {
		conds++
	}
	if gt != nil {
		conds++
	}
	if lt != nil {
		conds++
	}
	switch {
	case conds == 0:
		return &types.LifecycleRuleFilter{Prefix: aws.String("")}
	case conds == 1 && r.Prefix != "":
		return &types.LifecycleRuleFilter{Prefix: aws.String(r.Prefix)}
	case conds == 1 && len(r.Tags) == 1:
		return &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String(r.Tags[0].Key), Value: aws.String(r.Tags[0].Value)}}
	case conds == 1:
		return &types.LifecycleRuleFilter{ObjectSizeGreaterThan: gt, ObjectSizeLessThan: lt}
	}
	and := &types.LifecycleRuleAndOperator{ObjectSizeGreaterThan: gt, ObjectSizeLessThan: lt}
	if r.Prefix != "" {
		and.Prefix = aws.String(r.Prefix)
	}
	for _, t := range r.Tags {
		and.Tags = append(and.Tags, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return &types.LifecycleRuleFilter{And: and}
}
