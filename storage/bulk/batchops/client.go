package batchops

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

// DefaultThreshold is the job size from which S3 Desk offers Batch
// Operations first.
const DefaultThreshold = 1_000_000

// Options tune a Client. The zero value talks to AWS.
type Options struct {
	// Endpoint replaces the S3 Control endpoint (tests: a loopback
	// server; the SDK still puts the account ID in front of its host).
	Endpoint string
	// IAMEndpoint and STSEndpoint replace those services' endpoints.
	IAMEndpoint, STSEndpoint string
	// HTTPClient replaces the service's HTTP client.
	HTTPClient aws.HTTPClient
	// AccountID is the AWS account; "" asks STS (GetCallerIdentity).
	AccountID string
}

// Client creates and follows Batch Operations jobs for one account.
type Client struct {
	cfg       aws.Config
	opts      Options
	partition string
	ctl       func(region string) *s3control.Client
}

// New is a Client for the account of svc, with svc's credentials and its
// one retry policy.
func New(svc *storage.Service, o Options) *Client {
	cfg := core.Of(svc).AWSConfig.Copy()
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	c := &Client{cfg: cfg, opts: o, partition: svc.Partition()}
	c.ctl = func(region string) *s3control.Client {
		return s3control.NewFromConfig(cfg, func(so *s3control.Options) {
			if region != "" {
				so.Region = region
			}
			if o.Endpoint != "" {
				so.BaseEndpoint = aws.String(o.Endpoint)
			}
		})
	}
	return c
}

// Partition is the account's partition ("aws", "aws-cn", ...).
func (c *Client) Partition() string { return c.partition }

// Account is the account ID jobs are created in.
func (c *Client) Account(ctx context.Context) (string, error) {
	if c.opts.AccountID != "" {
		return c.opts.AccountID, nil
	}
	cl := sts.NewFromConfig(c.cfg, func(o *sts.Options) {
		if c.opts.STSEndpoint != "" {
			o.BaseEndpoint = aws.String(c.opts.STSEndpoint)
		}
	})
	out, err := cl.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", storage.MapError("find the AWS account", "", "", err)
	}
	c.opts.AccountID = aws.ToString(out.Account)
	return c.opts.AccountID, nil
}

// Manifest says which objects a job runs over: a CSV manifest S3 Desk
// wrote, or an inventory report.
type Manifest struct {
	CSV       *Written
	Inventory *Report
}

// JobRequest is a job to create.
type JobRequest struct {
	Region       string // the region of the buckets ("" = the service's)
	Operation    Operation
	Manifest     Manifest
	RoleARN      string
	ReportBucket string // where the completion report goes
	ReportPrefix string
	FailedOnly   bool // report only failed tasks
	Priority     int32
	Description  string
	// Confirm makes the job wait for a confirmation in the console
	// (ConfirmationRequired).
	Confirm bool
	// Token makes CreateJob idempotent: the same token gives the same job.
	Token string
}

// ErrRoleARN: the role is not an IAM role ARN.
var ErrRoleARN = errors.New("not an IAM role ARN")

// CreateJob creates the job and returns its ID.
func (c *Client) CreateJob(ctx context.Context, req JobRequest) (string, error) {
	const op = "create Batch Operations job"
	acct, err := c.Account(ctx)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(req.RoleARN, "arn:") || !strings.Contains(req.RoleARN, ":iam::") || !strings.Contains(req.RoleARN, ":role/") {
		return "", &storage.Error{Op: op, Kind: storage.ErrInvalidArgument, Err: ErrRoleARN,
			Msg: fmt.Sprintf("%s: %q is not an IAM role ARN; it looks like arn:aws:iam::123456789012:role/name", op, req.RoleARN)}
	}
	jop, err := req.Operation.jobOperation(c.partition)
	if err != nil {
		return "", &storage.Error{Op: op, Kind: storage.ErrInvalidArgument, Msg: op + ": " + err.Error(), Err: err}
	}
	in := &s3control.CreateJobInput{
		AccountId:            aws.String(acct),
		ClientRequestToken:   aws.String(req.Token),
		Operation:            jop,
		Priority:             aws.Int32(max(req.Priority, 10)),
		RoleArn:              aws.String(req.RoleARN),
		ConfirmationRequired: aws.Bool(req.Confirm),
		Report: &types.JobReport{Enabled: true, Bucket: aws.String("arn:" + c.partition + ":s3:::" + req.ReportBucket),
			Format: types.JobReportFormatReportCsv20180820, ReportScope: types.JobReportScopeAllTasks},
	}
	if req.Token == "" {
		in.ClientRequestToken = aws.String(fmt.Sprintf("s3desk-%d", time.Now().UnixNano()))
	}
	if req.Description != "" {
		in.Description = aws.String(truncate(req.Description, 256))
	}
	if req.ReportPrefix != "" {
		in.Report.Prefix = aws.String(req.ReportPrefix)
	}
	if req.FailedOnly {
		in.Report.ReportScope = types.JobReportScopeFailedTasksOnly
	}
	switch m := req.Manifest; {
	case m.CSV != nil:
		fields := []types.JobManifestFieldName{types.JobManifestFieldNameBucket, types.JobManifestFieldNameKey}
		if m.CSV.Versions {
			fields = append(fields, types.JobManifestFieldNameVersionId)
		}
		in.Manifest = &types.JobManifest{
			Spec:     &types.JobManifestSpec{Format: types.JobManifestFormatS3BatchOperationsCsv20180820, Fields: fields},
			Location: &types.JobManifestLocation{ObjectArn: aws.String(m.CSV.ObjectARN(c.partition)), ETag: aws.String(m.CSV.ETag)},
		}
	case m.Inventory != nil:
		in.Manifest = &types.JobManifest{
			Spec:     &types.JobManifestSpec{Format: types.JobManifestFormatS3InventoryReportCsv20161130},
			Location: &types.JobManifestLocation{ObjectArn: aws.String(m.Inventory.ObjectARN(c.partition)), ETag: aws.String(m.Inventory.ETag)},
		}
	default:
		return "", &storage.Error{Op: op, Kind: storage.ErrInvalidArgument, Msg: op + ": no manifest; write one or pick an inventory report"}
	}
	out, err := c.ctl(req.Region).CreateJob(ctx, in)
	if err != nil {
		return "", storage.MapError(op, "", "", err)
	}
	return aws.ToString(out.JobId), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Job is a Batch Operations job as DescribeJob or ListJobs tells it.
type Job struct {
	ID          string
	Status      string // New, Preparing, Ready, Active, Complete, Failed, Cancelled, Suspended, ...
	Operation   string
	Description string
	Created     time.Time
	Terminated  time.Time
	Total       int64
	Succeeded   int64
	Failed      int64
	// Reasons are the failure reasons AWS gives.
	Reasons []string
	// Report is where the completion report goes (bucket and prefix).
	ReportBucket, ReportPrefix string
	// StatusReason is why a job was suspended or changed state.
	StatusReason string
}

// Done tells whether the job has ended.
func (j Job) Done() bool {
	return j.Status == "Complete" || j.Status == "Failed" || j.Status == "Cancelled"
}

// ReportManifestKey is the key of the completion report's manifest:
// prefix/job-<id>/manifest.json (AWS's layout).
func (j Job) ReportManifestKey() string {
	p := j.ReportPrefix
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p + "job-" + j.ID + "/manifest.json"
}

func progress(p *types.JobProgressSummary, j *Job) {
	if p == nil {
		return
	}
	j.Total, j.Succeeded, j.Failed = aws.ToInt64(p.TotalNumberOfTasks), aws.ToInt64(p.NumberOfTasksSucceeded), aws.ToInt64(p.NumberOfTasksFailed)
}

// DescribeJob tells where job id stands.
func (c *Client) DescribeJob(ctx context.Context, region, id string) (Job, error) {
	acct, err := c.Account(ctx)
	if err != nil {
		return Job{}, err
	}
	out, err := c.ctl(region).DescribeJob(ctx, &s3control.DescribeJobInput{AccountId: aws.String(acct), JobId: aws.String(id)})
	if err != nil {
		return Job{}, storage.MapError("describe Batch Operations job", "", "", err)
	}
	d := out.Job
	if d == nil {
		return Job{}, &storage.Error{Op: "describe Batch Operations job", Kind: storage.ErrProtocol, Msg: "AWS described no job " + id}
	}
	j := Job{ID: aws.ToString(d.JobId), Status: string(d.Status), Description: aws.ToString(d.Description),
		Created: aws.ToTime(d.CreationTime), Terminated: aws.ToTime(d.TerminationDate), StatusReason: aws.ToString(d.StatusUpdateReason)}
	progress(d.ProgressSummary, &j)
	for _, f := range d.FailureReasons {
		j.Reasons = append(j.Reasons, strings.TrimSpace(aws.ToString(f.FailureCode)+" "+aws.ToString(f.FailureReason)))
	}
	if r := d.Report; r != nil {
		j.ReportBucket = bucketOfARN(aws.ToString(r.Bucket))
		j.ReportPrefix = aws.ToString(r.Prefix)
	}
	if o := d.Operation; o != nil {
		j.Operation = operationName(o)
	}
	return j, nil
}

func bucketOfARN(arn string) string {
	if i := strings.LastIndex(arn, ":::"); i >= 0 {
		return arn[i+3:]
	}
	return arn
}

func operationName(o *types.JobOperation) string {
	switch {
	case o.S3PutObjectCopy != nil:
		return string(OpCopy)
	case o.S3PutObjectTagging != nil:
		return string(OpTags)
	case o.S3DeleteObjectTagging != nil:
		return string(OpDeleteTags)
	case o.S3PutObjectAcl != nil:
		return string(OpACL)
	case o.S3InitiateRestoreObject != nil:
		return string(OpRestore)
	case o.S3PutObjectRetention != nil:
		return string(OpRetention)
	case o.S3PutObjectLegalHold != nil:
		return string(OpLegalHold)
	case o.S3ComputeObjectChecksum != nil:
		return string(OpChecksum)
	}
	return "other"
}

// ListJobs lists the account's jobs in region (every page, newest first
// as AWS returns them).
func (c *Client) ListJobs(ctx context.Context, region string) ([]Job, error) {
	acct, err := c.Account(ctx)
	if err != nil {
		return nil, err
	}
	var out []Job
	var token *string
	for range 1000 {
		res, err := c.ctl(region).ListJobs(ctx, &s3control.ListJobsInput{AccountId: aws.String(acct), NextToken: token})
		if err != nil {
			return out, storage.MapError("list Batch Operations jobs", "", "", err)
		}
		for _, d := range res.Jobs {
			j := Job{ID: aws.ToString(d.JobId), Status: string(d.Status), Operation: string(d.Operation), Description: aws.ToString(d.Description),
				Created: aws.ToTime(d.CreationTime), Terminated: aws.ToTime(d.TerminationDate)}
			progress(d.ProgressSummary, &j)
			out = append(out, j)
		}
		if res.NextToken == nil || *res.NextToken == "" {
			return out, nil
		}
		if token != nil && *res.NextToken == *token {
			return out, &storage.Error{Op: "list Batch Operations jobs", Kind: storage.ErrProtocol, Msg: "AWS repeated its continuation token; stopped"}
		}
		token = res.NextToken
	}
	return out, nil
}

// Role is an IAM role S3 Batch Operations may assume.
type Role struct {
	Name, ARN string
}

// Roles lists the account's IAM roles whose trust policy lets S3 Batch
// Operations assume them (iam:ListRoles). Without that permission the
// error says to paste the role's ARN instead.
func (c *Client) Roles(ctx context.Context) ([]Role, error) {
	cl := iam.NewFromConfig(c.cfg, func(o *iam.Options) {
		if c.opts.IAMEndpoint != "" {
			o.BaseEndpoint = aws.String(c.opts.IAMEndpoint)
		}
	})
	var out []Role
	p := iam.NewListRolesPaginator(cl, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			mapped := storage.MapError("list IAM roles", "", "", err)
			var e *storage.Error
			if errors.As(mapped, &e) && errors.Is(mapped, storage.ErrAccessDenied) {
				e.Msg = "list IAM roles: this account may not list roles (iam:ListRoles); paste the role's ARN instead"
			}
			return out, mapped
		}
		for _, r := range page.Roles {
			doc, _ := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument))
			if strings.Contains(doc, "batchoperations.s3.amazonaws.com") {
				out = append(out, Role{Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn)})
			}
		}
	}
	return out, nil
}
