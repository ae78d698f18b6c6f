package batchops_test

import (
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
)

// recorded is one request the loopback S3 Control endpoint received.
type recorded struct {
	Method, Host, Path, Query string
	Header                    http.Header
	Body                      string
}

// loopback is an S3 Control (and IAM) stand-in on 127.0.0.1 that records
// each request and answers with the response shapes AWS documents.
type loopback struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newLoopback(t *testing.T, answer func(r *http.Request) (int, string)) *loopback {
	l := &loopback{}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		l.mu.Lock()
		l.reqs = append(l.reqs, recorded{Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
		l.mu.Unlock()
		code, out := answer(r)
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-amz-request-id", "loopback")
		w.WriteHeader(code)
		io.WriteString(w, out)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *loopback) last() recorded {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reqs[len(l.reqs)-1]
}

// client dials the loopback server whatever host the SDK addresses
// ("123456789012.127.0.0.1:port" once it prefixes the account ID).
func (l *loopback) client() *http.Client {
	addr := l.srv.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
}

func testService(t *testing.T) *storage.Service {
	svc, err := storage.New(context.Background(), storage.Config{Region: "us-west-2", AccessKeyID: "AKIDLOOPBACK", SecretAccessKey: "loopback-secret"})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

const acct = "123456789012"

// createJobRequest is the part of a CreateJobRequest body the test checks.
type createJobRequest struct {
	XMLName              xml.Name `xml:"CreateJobRequest"`
	ClientRequestToken   string
	ConfirmationRequired bool
	Description          string
	Priority             int
	RoleArn              string
	Operation            struct {
		Copy *struct {
			TargetResource  string
			TargetKeyPrefix string
			StorageClass    string
		} `xml:"S3PutObjectCopy"`
		Tagging *struct {
			Tags []struct{ Key, Value string } `xml:"TagSet>member"`
		} `xml:"S3PutObjectTagging"`
		Restore *struct {
			ExpirationInDays int
			GlacierJobTier   string
		} `xml:"S3InitiateRestoreObject"`
	}
	Manifest struct {
		Spec struct {
			Format string
			Fields []string `xml:"Fields>member"`
		}
		Location struct{ ObjectArn, ETag string }
	}
	Report struct {
		Bucket, Format, Prefix, ReportScope string
		Enabled                             bool
	}
}

func TestCreateJobRequest(t *testing.T) {
	l := newLoopback(t, func(r *http.Request) (int, string) {
		return 200, `<?xml version="1.0" encoding="UTF-8"?><CreateJobResult><JobId>8e7b3d1c-0f4a-4a39-9b8e-3c1f0e7f1a2b</JobId></CreateJobResult>`
	})
	c := batchops.New(testService(t), batchops.Options{Endpoint: l.srv.URL, HTTPClient: l.client(), AccountID: acct})
	op, err := batchops.FromBulk(bulk.Spec{Op: bulk.Tags, Source: bulk.Source{Bucket: "src"}, Tags: map[string]string{"project": "desk", "tier": "cold"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.CreateJob(context.Background(), batchops.JobRequest{
		Region: "eu-west-1", Operation: op, RoleARN: "arn:aws:iam::" + acct + ":role/batch-tags",
		Manifest:     batchops.Manifest{CSV: &batchops.Written{Bucket: "manifests", Key: "jobs/a b.csv", ETag: "60e460c9d1046e73f7dde5043ac3ae85", Objects: 10_000_000}},
		ReportBucket: "reports", ReportPrefix: "s3desk", Description: "tags for src/", Token: "tok-1",
	})
	if err != nil || id != "8e7b3d1c-0f4a-4a39-9b8e-3c1f0e7f1a2b" {
		t.Fatalf("CreateJob: %q %v", id, err)
	}
	r := l.last()
	if r.Method != http.MethodPost || r.Path != "/v20180820/jobs" {
		t.Fatalf("request %s %s", r.Method, r.Path)
	}
	if !strings.HasPrefix(r.Host, acct+".") {
		t.Fatalf("host %q: the SDK must address {AccountId}.<endpoint>", r.Host)
	}
	if r.Header.Get("X-Amz-Account-Id") != acct {
		t.Fatalf("x-amz-account-id %q", r.Header.Get("X-Amz-Account-Id"))
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/eu-west-1/s3/aws4_request") {
		t.Fatalf("signed for %q; S3 Control signs as service s3 in the job's region", auth)
	}
	var body createJobRequest
	if err := xml.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	if !strings.Contains(r.Body, `xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"`) {
		t.Fatalf("body namespace: %s", r.Body)
	}
	tg := body.Operation.Tagging
	if tg == nil || len(tg.Tags) != 2 || tg.Tags[0].Key != "project" || tg.Tags[1].Value != "cold" {
		t.Fatalf("operation: %s", r.Body)
	}
	if body.RoleArn != "arn:aws:iam::"+acct+":role/batch-tags" || body.ClientRequestToken != "tok-1" || body.Priority != 10 || body.Description != "tags for src/" || body.ConfirmationRequired {
		t.Fatalf("job fields: %+v", body)
	}
	m := body.Manifest
	if m.Spec.Format != "S3BatchOperations_CSV_20180820" || strings.Join(m.Spec.Fields, ",") != "Bucket,Key" ||
		m.Location.ObjectArn != "arn:aws:s3:::manifests/jobs/a b.csv" || m.Location.ETag != "60e460c9d1046e73f7dde5043ac3ae85" {
		t.Fatalf("manifest: %+v", m)
	}
	if rep := body.Report; !rep.Enabled || rep.Bucket != "arn:aws:s3:::reports" || rep.Prefix != "s3desk" || rep.Format != "Report_CSV_20180820" || rep.ReportScope != "AllTasks" {
		t.Fatalf("report: %+v", rep)
	}

	// An inventory report as the manifest, a copy with a storage class.
	op, _ = batchops.FromBulk(bulk.Spec{Op: bulk.StorageClass, Class: "GLACIER_IR", Source: bulk.Source{Bucket: "src"}})
	_, err = c.CreateJob(context.Background(), batchops.JobRequest{Operation: op, RoleARN: "arn:aws:iam::" + acct + ":role/r",
		Manifest:     batchops.Manifest{Inventory: &batchops.Report{Bucket: "inv", Key: "inv/src/weekly/2018-01-10T02-00Z/manifest.json", ETag: "abc"}},
		ReportBucket: "reports", FailedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r = l.last()
	body = createJobRequest{}
	if err := xml.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatal(err)
	}
	if cp := body.Operation.Copy; cp == nil || cp.TargetResource != "arn:aws:s3:::src" || cp.StorageClass != "GLACIER_IR" ||
		body.Manifest.Spec.Format != "S3InventoryReport_CSV_20161130" || len(body.Manifest.Spec.Fields) != 0 ||
		body.Manifest.Location.ObjectArn != "arn:aws:s3:::inv/inv/src/weekly/2018-01-10T02-00Z/manifest.json" || body.Report.ReportScope != "FailedTasksOnly" {
		t.Fatalf("inventory job: %s", r.Body)
	}
	if !strings.Contains(r.Header.Get("Authorization"), "/us-west-2/s3/") {
		t.Fatalf("no region given: signed %q, want the service's region", r.Header.Get("Authorization"))
	}

	// A pasted role that is not a role ARN never reaches AWS.
	n := len(l.reqs)
	if _, err := c.CreateJob(context.Background(), batchops.JobRequest{Operation: op, RoleARN: "batch-role", ReportBucket: "r",
		Manifest: batchops.Manifest{Inventory: &batchops.Report{Bucket: "inv", Key: "m.json", ETag: "e"}}}); err == nil || len(l.reqs) != n {
		t.Fatalf("a bad role ARN: %v (%d requests)", err, len(l.reqs)-n)
	}
}

func TestDescribeAndListJobs(t *testing.T) {
	l := newLoopback(t, func(r *http.Request) (int, string) {
		if strings.HasPrefix(r.URL.Path, "/v20180820/jobs/") {
			return 200, `<?xml version="1.0" encoding="UTF-8"?>
<DescribeJobResult><Job>
  <ConfirmationRequired>false</ConfirmationRequired>
  <CreationTime>2026-12-01T10:00:00Z</CreationTime>
  <Description>tags for src/</Description>
  <FailureReasons><member><FailureCode>AccessDenied</FailureCode><FailureReason>Reading the manifest is forbidden</FailureReason></member></FailureReasons>
  <JobArn>arn:aws:s3:us-west-2:123456789012:job/job-1</JobArn>
  <JobId>job-1</JobId>
  <Operation><S3PutObjectTagging><TagSet><member><Key>a</Key><Value>b</Value></member></TagSet></S3PutObjectTagging></Operation>
  <Priority>10</Priority>
  <ProgressSummary><NumberOfTasksFailed>3</NumberOfTasksFailed><NumberOfTasksSucceeded>9999997</NumberOfTasksSucceeded><TotalNumberOfTasks>10000000</TotalNumberOfTasks></ProgressSummary>
  <Report><Bucket>arn:aws:s3:::reports</Bucket><Enabled>true</Enabled><Format>Report_CSV_20180820</Format><Prefix>s3desk</Prefix><ReportScope>AllTasks</ReportScope></Report>
  <RoleArn>arn:aws:iam::123456789012:role/batch-tags</RoleArn>
  <Status>Complete</Status>
  <TerminationDate>2026-12-01T11:00:00Z</TerminationDate>
</Job></DescribeJobResult>`
		}
		if r.URL.Query().Get("nextToken") == "" {
			return 200, `<?xml version="1.0" encoding="UTF-8"?><ListJobsResult><Jobs>
<member><CreationTime>2026-12-01T10:00:00Z</CreationTime><JobId>job-1</JobId><Operation>S3PutObjectTagging</Operation><Priority>10</Priority>
<ProgressSummary><NumberOfTasksFailed>0</NumberOfTasksFailed><NumberOfTasksSucceeded>5</NumberOfTasksSucceeded><TotalNumberOfTasks>10</TotalNumberOfTasks></ProgressSummary><Status>Active</Status></member>
</Jobs><NextToken>page2</NextToken></ListJobsResult>`
		}
		return 200, `<?xml version="1.0" encoding="UTF-8"?><ListJobsResult><Jobs>
<member><CreationTime>2026-11-30T10:00:00Z</CreationTime><JobId>job-0</JobId><Operation>S3PutObjectCopy</Operation><Priority>10</Priority><Status>Failed</Status></member>
</Jobs></ListJobsResult>`
	})
	c := batchops.New(testService(t), batchops.Options{Endpoint: l.srv.URL, HTTPClient: l.client(), AccountID: acct})
	j, err := c.DescribeJob(context.Background(), "us-west-2", "job-1")
	if err != nil {
		t.Fatal(err)
	}
	r := l.last()
	if r.Method != http.MethodGet || r.Path != "/v20180820/jobs/job-1" || r.Header.Get("X-Amz-Account-Id") != acct || !strings.HasPrefix(r.Host, acct+".") {
		t.Fatalf("DescribeJob sent %s %s host %s", r.Method, r.Path, r.Host)
	}
	if j.ID != "job-1" || j.Status != "Complete" || !j.Done() || j.Succeeded != 9999997 || j.Failed != 3 || j.Total != 10000000 ||
		j.Operation != "S3PutObjectTagging" || j.ReportBucket != "reports" || j.ReportManifestKey() != "s3desk/job-job-1/manifest.json" ||
		len(j.Reasons) != 1 || !strings.Contains(j.Reasons[0], "AccessDenied") || !j.Terminated.Equal(time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v", j)
	}
	jobs, err := c.ListJobs(context.Background(), "us-west-2")
	if err != nil || len(jobs) != 2 || jobs[0].ID != "job-1" || jobs[0].Status != "Active" || jobs[0].Succeeded != 5 || jobs[1].ID != "job-0" || jobs[1].Done() != true {
		t.Fatalf("%+v %v", jobs, err)
	}
	if q, _ := url.ParseQuery(l.last().Query); q.Get("nextToken") != "page2" {
		t.Fatalf("second page query %q", l.last().Query)
	}
}

func TestRolesListsOnlyBatchRoles(t *testing.T) {
	trust := url.QueryEscape(batchops.TrustPolicy)
	l := newLoopback(t, func(r *http.Request) (int, string) {
		return 200, `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><IsTruncated>false</IsTruncated><Roles>
<member><Path>/</Path><RoleName>batch-ops</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::123456789012:role/batch-ops</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>` + trust + `</AssumeRolePolicyDocument></member>
<member><Path>/</Path><RoleName>lambda</RoleName><RoleId>AROA2</RoleId><Arn>arn:aws:iam::123456789012:role/lambda</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%7D</AssumeRolePolicyDocument></member>
</Roles></ListRolesResult></ListRolesResponse>`
	})
	c := batchops.New(testService(t), batchops.Options{IAMEndpoint: l.srv.URL, HTTPClient: l.client(), AccountID: acct})
	roles, err := c.Roles(context.Background())
	if err != nil || len(roles) != 1 || roles[0].ARN != "arn:aws:iam::123456789012:role/batch-ops" {
		t.Fatalf("%+v %v", roles, err)
	}
	if !strings.Contains(l.last().Body, "Action=ListRoles") {
		t.Fatalf("IAM request %q", l.last().Body)
	}
}

func TestFromBulk(t *testing.T) {
	if _, err := batchops.FromBulk(bulk.Spec{Op: bulk.Delete}); err != batchops.ErrDeleteNotBatch {
		t.Fatalf("delete: %v", err)
	}
	if x := batchops.LifecycleExpiration("logs/<old>&"); !strings.Contains(x, "<Prefix>logs/&lt;old&gt;&amp;</Prefix>") || !strings.Contains(x, "<Days>1</Days>") {
		t.Fatal(x)
	}
	if _, err := batchops.FromBulk(bulk.Spec{Op: bulk.Copy, BasePrefix: "a/", DestPrefix: "b/"}); err == nil {
		t.Fatal("a copy that strips a folder was mapped")
	}
	if _, err := batchops.FromBulk(bulk.Spec{Op: bulk.Tags, TagsMerge: true, Tags: map[string]string{"a": "b"}}); err == nil {
		t.Fatal("a tag merge was mapped")
	}
	op, err := batchops.FromBulk(bulk.Spec{Op: bulk.Tags, Tags: map[string]string{}})
	if err != nil || op.Kind != batchops.OpDeleteTags {
		t.Fatalf("empty tags: %+v %v", op, err)
	}
	if p := batchops.PermissionsPolicy("aws", batchops.Operation{Kind: batchops.OpCopy, TargetBucket: "dst"}, "src", "man", "rep"); !strings.Contains(p, "arn:aws:s3:::dst/*") || !strings.Contains(p, "s3:PutObject") {
		t.Fatal(p)
	}
}

// TestRealBatchJob creates a small real job on AWS: it runs only when
// S3DESK_BATCH_BUCKET (a bucket the credentials may write, in
// AWS_REGION) and S3DESK_BATCH_ROLE (a role S3 Batch Operations may
// assume) are set with real AWS credentials in the environment.
func TestRealBatchJob(t *testing.T) {
	bucket, role := os.Getenv("S3DESK_BATCH_BUCKET"), os.Getenv("S3DESK_BATCH_ROLE")
	if bucket == "" || role == "" || os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		t.Skip("skipped (also under CI): needs real AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION), S3DESK_BATCH_BUCKET and S3DESK_BATCH_ROLE; no server here implements S3 Control")
	}
	ctx := context.Background()
	svc, err := storage.New(ctx, storage.Config{Region: os.Getenv("AWS_REGION"), AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "s3desk-batch-test/" + time.Now().UTC().Format("20060102-150405") + "/"
	for _, k := range []string{"a.txt", "b c.txt"} {
		if err := svc.Put(ctx, bucket, prefix+"src/"+k, strings.NewReader(k), int64(len(k)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tmp, err := os.CreateTemp(t.TempDir(), "m-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	spec := bulk.Spec{Op: bulk.Tags, Tags: map[string]string{"s3desk": "batch-test"}, Source: bulk.Source{Bucket: bucket, Prefixes: []string{prefix + "src/"}}}
	w, err := batchops.SaveManifest(ctx, svc, spec, tmp, bucket, prefix+"manifest.csv")
	if err != nil {
		t.Fatal(err)
	}
	op, _ := batchops.FromBulk(spec)
	c := batchops.New(svc, batchops.Options{})
	id, err := c.CreateJob(ctx, batchops.JobRequest{Operation: op, Manifest: batchops.Manifest{CSV: &w}, RoleARN: role,
		ReportBucket: bucket, ReportPrefix: prefix + "report", Description: "S3 Desk test job"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("created job %s", id)
	j, err := c.DescribeJob(ctx, "", id)
	if err != nil || j.ID != id {
		t.Fatalf("%+v %v", j, err)
	}
	t.Logf("job %s: %s", id, j.Status)
}
