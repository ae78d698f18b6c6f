package bucketconfig_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
)

func TestLifecycleRoundTripMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	ctx := context.Background()
	svc, b := srv.Service(t), srv.Bucket(t)
	cfg := bucketconfig.New(svc)
	if rules, err := cfg.Lifecycle(ctx, b); err != nil || len(rules) != 0 {
		t.Fatalf("fresh: %v %v", rules, err)
	}
	want := []bucketconfig.LifecycleRule{
		{ID: "logs", Enabled: true, Prefix: "logs/", ExpireDays: 30},
		{ID: "tmp-tagged", Enabled: true, Prefix: "tmp/", Tags: []bucketconfig.Tag{{"kind", "scratch"}, {"owner", "ci"}}, ExpireDays: 2},
		{ID: "one-tag", Enabled: false, Tags: []bucketconfig.Tag{{"old", "yes"}}, ExpireDays: 365},
		{ID: "old-versions", Enabled: true, NoncurrentExpireDays: 7},
	}
	if err := cfg.PutLifecycle(ctx, b, want); err != nil {
		t.Fatalf("put: %v", err)
	}
	got, err := cfg.Lifecycle(ctx, b)
	if err != nil || len(got) != len(want) {
		t.Fatalf("read back: %v %v", got, err)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Enabled != w.Enabled || g.Prefix != w.Prefix || !sameTags(g.Tags, w.Tags) ||
			g.ExpireDays != w.ExpireDays || g.NoncurrentExpireDays != w.NoncurrentExpireDays || g.TransitionClass != "" || g.AbortUploadsDays != 0 {
			t.Errorf("rule %d: got %+v, want %+v", i, g, w)
		}
	}
	if s := got[1].Summary(); s != "tmp/ [kind=scratch] [owner=ci]: expire after 2 days" {
		t.Errorf("summary %q", s)
	}
	// A transition to a class the server has no tier for is refused in words.
	err = cfg.PutLifecycle(ctx, b, []bucketconfig.LifecycleRule{{ID: "cold", Enabled: true, TransitionDays: 30, TransitionClass: "GLACIER"}})
	if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "no such storage class") {
		t.Fatalf("transition: %v", err)
	}
	if got2, _ := cfg.Lifecycle(ctx, b); len(got2) != len(want) {
		t.Fatalf("a refused put changed the rules: %v", got2)
	}
	if err := cfg.PutLifecycle(ctx, b, nil); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if got, err := cfg.Lifecycle(ctx, b); err != nil || len(got) != 0 {
		t.Fatalf("after remove: %v %v", got, err)
	}
}

func TestLifecycleNotSupportedVersity(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc, b := srv.Service(t), srv.Bucket(t)
	cfg := bucketconfig.New(svc)
	_, err := cfg.Lifecycle(context.Background(), b)
	notSupported(t, "read", err, "lifecycle rules")
	err = cfg.PutLifecycle(context.Background(), b, []bucketconfig.LifecycleRule{{ID: "x", Enabled: true, ExpireDays: 1}})
	notSupported(t, "put", err, "lifecycle rules")
	_, err = cfg.AddAbortIncompleteUploads(context.Background(), b, 7)
	notSupported(t, "abort rule", err, "lifecycle rules")
}

func TestLifecycleValidate(t *testing.T) {
	bad := map[string][]bucketconfig.LifecycleRule{
		"does nothing":            {{ID: "a", Enabled: true}},
		"cannot be negative":      {{ID: "a", ExpireDays: -1}},
		"before or when":          {{ID: "a", ExpireDays: 30, TransitionDays: 30, TransitionClass: "GLACIER"}},
		"tag filter":              {{ID: "a", AbortUploadsDays: 7, Tags: []bucketconfig.Tag{{"k", "v"}}}},
		"IDs must be unique":      {{ID: "a", ExpireDays: 1}, {ID: "a", ExpireDays: 2}},
		"a filter tag has no key": {{ID: "a", ExpireDays: 1, Tags: []bucketconfig.Tag{{"", "v"}}}},
	}
	for want, rules := range bad {
		if err := bucketconfig.ValidateRules(rules); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", rules, err, want)
		}
	}
}

func TestWithAbortIncompleteUploads(t *testing.T) {
	others := []bucketconfig.LifecycleRule{
		{ID: "logs", Enabled: true, Prefix: "logs/", ExpireDays: 30},
		{ID: "uploads-in-a", Enabled: true, Prefix: "a/", AbortUploadsDays: 1},
	}
	added := bucketconfig.WithAbortIncompleteUploads(others, 7)
	if len(added) != 3 || added[2].ID != bucketconfig.AbortRuleID || added[2].AbortUploadsDays != 7 || !added[2].Enabled || added[2].Prefix != "" {
		t.Fatalf("added: %+v", added)
	}
	if others[1].AbortUploadsDays != 1 || len(others) != 2 {
		t.Fatalf("input changed: %+v", others)
	}
	again := bucketconfig.WithAbortIncompleteUploads(added, 3)
	if len(again) != 3 || again[2].AbortUploadsDays != 3 || again[1].AbortUploadsDays != 1 || again[0].ExpireDays != 30 {
		t.Fatalf("updated: %+v", again)
	}
	// A whole-bucket rule that already aborts uploads is updated, not doubled.
	mine := []bucketconfig.LifecycleRule{{ID: "cleanup", Enabled: true, ExpireDays: 90, AbortUploadsDays: 2}}
	up := bucketconfig.WithAbortIncompleteUploads(mine, 7)
	if len(up) != 1 || up[0].ID != "cleanup" || up[0].AbortUploadsDays != 7 || up[0].ExpireDays != 90 {
		t.Fatalf("existing whole-bucket rule: %+v", up)
	}
}

// MinIO does not implement the abort action (it drops stale uploads by
// itself): the one-click rule says so plainly, and the rules already there
// are left exactly as they were.
func TestAbortRuleNotSupportedKeepsRulesMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	ctx := context.Background()
	svc, b := srv.Service(t), srv.Bucket(t)
	cfg := bucketconfig.New(svc)
	existing := []bucketconfig.LifecycleRule{
		{ID: "logs", Enabled: true, Prefix: "logs/", ExpireDays: 30},
		{ID: "old-versions", Enabled: true, NoncurrentExpireDays: 7},
	}
	if err := cfg.PutLifecycle(ctx, b, existing); err != nil {
		t.Fatal(err)
	}
	before, err := srv.Client(t).GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.AddAbortIncompleteUploads(ctx, b, 7)
	notSupported(t, "abort rule", err, "the lifecycle action that aborts incomplete uploads")
	if !strings.Contains(err.Error(), "MinIO") {
		t.Errorf("message does not say what MinIO does instead: %q", err)
	}
	after, err := srv.Client(t).GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
	if err != nil || len(after.Rules) != len(before.Rules) {
		t.Fatalf("rules after: %+v %v", after, err)
	}
	for i := range before.Rules {
		if aws.ToString(after.Rules[i].ID) != aws.ToString(before.Rules[i].ID) ||
			aws.ToInt32(ptrDays(after.Rules[i])) != aws.ToInt32(ptrDays(before.Rules[i])) {
			t.Fatalf("rule %d changed: %+v -> %+v", i, before.Rules[i], after.Rules[i])
		}
	}
	// Combined with another action MinIO would take the rule and drop the
	// abort silently: the read-back catches that.
	err = cfg.PutLifecycle(ctx, b, []bucketconfig.LifecycleRule{{ID: "both", Enabled: true, ExpireDays: 30, AbortUploadsDays: 7}})
	notSupported(t, "abort with expiry", err, "the lifecycle action that aborts incomplete uploads")
	if !strings.Contains(err.Error(), `saved rule "both" without it`) {
		t.Fatalf("message: %q", err)
	}
}

func ptrDays(r types.LifecycleRule) *int32 {
	if r.Expiration != nil {
		return r.Expiration.Days
	}
	if r.NoncurrentVersionExpiration != nil {
		return r.NoncurrentVersionExpiration.NoncurrentDays
	}
	return nil
}

// lifecycleStore is a loopback stand-in for S3's lifecycle subresource (no
// server here implements the abort action): it keeps the XML a PUT sent
// and answers GETs with it, as S3 does.
type lifecycleStore struct {
	mu   sync.Mutex
	body []byte
	puts int
}

func (l *lifecycleStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := r.URL.Query()["lifecycle"]; !ok {
		http.Error(w, "only ?lifecycle", http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodPut:
		l.body, _ = io.ReadAll(r.Body)
		l.puts++
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		if l.body == nil {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchLifecycleConfiguration</Code><Message>none</Message></Error>`)
			return
		}
		_, _ = w.Write(l.body)
	}
}

func TestAbortRuleAddedKeepsOtherRules(t *testing.T) {
	store := &lifecycleStore{}
	hs := httptest.NewServer(store)
	t.Cleanup(hs.Close)
	svc, err := storage.New(context.Background(), storage.Config{Endpoint: hs.URL, Region: "us-east-1", PathStyle: true, AccessKeyID: "AKID", SecretAccessKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := bucketconfig.New(svc)
	// Rules another tool wrote, with parts the model does not show.
	raw := `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
		`<Rule><ID>logs</ID><Filter><And><Prefix>logs/</Prefix><ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>` +
		`<Rule><ID>markers</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><NoncurrentVersionExpiration><NoncurrentDays>10</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>` +
		`<Rule><ID>cold</ID><Filter><Prefix>archive/</Prefix></Filter><Status>Disabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>` +
		`</LifecycleConfiguration>`
	store.body = []byte(raw)
	rules, err := cfg.AddAbortIncompleteUploads(ctx, "b", 7)
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	if len(rules) != 4 || rules[3].ID != bucketconfig.AbortRuleID {
		t.Fatalf("rules: %+v", rules)
	}
	sent := string(store.body)
	for _, want := range []string{
		"<ID>logs</ID>", "<ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan>", "<Prefix>logs/</Prefix>", "<Days>30</Days>",
		"<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>", "<NewerNoncurrentVersions>3</NewerNoncurrentVersions>", "<NoncurrentDays>10</NoncurrentDays>",
		"<StorageClass>STANDARD_IA</StorageClass>", "<Days>90</Days><StorageClass>GLACIER</StorageClass>", "<Status>Disabled</Status>",
		"<ID>" + bucketconfig.AbortRuleID + "</ID>", "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
	} {
		if !strings.Contains(sent, want) {
			t.Errorf("the PUT lost %s:\n%s", want, sent)
		}
	}
	if strings.Count(sent, "<Rule>") != 4 {
		t.Errorf("rules sent: %d\n%s", strings.Count(sent, "<Rule>"), sent)
	}
	// Clicking again updates the same rule.
	if _, err := cfg.AddAbortIncompleteUploads(ctx, "b", 3); err != nil {
		t.Fatal(err)
	}
	sent = string(store.body)
	if strings.Count(sent, "<Rule>") != 4 || !strings.Contains(sent, "<DaysAfterInitiation>3</DaysAfterInitiation>") || strings.Contains(sent, "<DaysAfterInitiation>7<") {
		t.Fatalf("second click:\n%s", sent)
	}
	if store.puts != 2 {
		t.Fatalf("puts %d", store.puts)
	}
}
