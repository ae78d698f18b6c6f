// Package bulk is the GUI of bulk jobs: "Bulk action…" (a dry run, a
// confirmation, then a job that survives a restart), the job list beside
// the transfers panel (progress, rate, ETA, pause/resume, retry failed,
// the failures CSV), and the hand-off to S3 Batch Operations on AWS, or an
// rclone command file elsewhere.
package bulk

import (
	"context"
	"io"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
)

// Job is one bulk job. *bulk.Job satisfies it.
type Job interface {
	ID() string
	Spec() bulk.Spec
	Status() bulk.Status
	Run(ctx context.Context) error
	RetryFailed(ctx context.Context) error
	Pause()
	WriteFailuresCSV(w io.Writer) error
}

// Jobs are the connected account's jobs, kept in the app's state folder.
type Jobs interface {
	List() []Job
	Create(spec bulk.Spec) (Job, error)
	Remove(id string) error
}

// Store is what the feature needs of the connected account.
type Store interface {
	// OpenJobs opens (creating) the job folder dir.
	OpenJobs(dir string) (Jobs, error)
	DryRun(ctx context.Context, spec bulk.Spec, each func(bulk.Item)) (bulk.Plan, error)
	ExportCommand(ctx context.Context, spec bulk.Spec, remote, listFile string, w io.Writer) (bulk.CommandFile, error)
	ListBuckets(ctx context.Context) ([]storage.Bucket, error)
	// Batch is S3 Batch Operations, nil when the account is not on AWS.
	Batch() BatchStore
}

// BatchStore creates and follows S3 Batch Operations jobs.
type BatchStore interface {
	InventoryConfigurations(ctx context.Context, bucket string) ([]storage.InventoryConfig, error)
	LatestInventoryReport(ctx context.Context, bucket string, cfg storage.InventoryConfig) (batchops.Report, error)
	SaveManifest(ctx context.Context, spec bulk.Spec, bucket, key string) (batchops.Written, error)
	Roles(ctx context.Context) ([]batchops.Role, error)
	CreateJob(ctx context.Context, req batchops.JobRequest) (string, error)
	DescribeJob(ctx context.Context, region, id string) (batchops.Job, error)
	ListJobs(ctx context.Context, region string) ([]batchops.Job, error)
	// ReportURL is a link (presigned) to a job's completion report.
	ReportURL(ctx context.Context, j batchops.Job) (string, error)
	Partition() string
	// Region is where bucket lives ("" when unknown).
	Region(ctx context.Context, bucket string) string
}
