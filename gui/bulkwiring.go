package gui

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	bulkgui "s3desk/gui/bulk"
	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
)

// The shell's wiring of bulk jobs: the storage side as the interfaces
// gui/bulk declares.

// bulkStore is gui/bulk's Store over a storage service.
type bulkStore struct {
	svc   *storage.Service
	batch bulkgui.BatchStore // nil off AWS
}

// newBulkStore is the account's bulk store, with S3 Batch Operations on
// AWS itself (other services have none).
func newBulkStore(svc *storage.Service) bulkStore {
	b := bulkStore{svc: svc}
	if svc.Endpoint() == "" {
		b.batch = bulkBatch{svc: svc, c: batchops.New(svc, batchops.Options{})}
	}
	return b
}

func (b bulkStore) OpenJobs(dir string) (bulkgui.Jobs, error) {
	m, err := bulk.Open(dir, b.svc, bulk.Hooks{})
	if err != nil {
		return nil, err
	}
	return bulkJobs{m}, nil
}

func (b bulkStore) DryRun(ctx context.Context, spec bulk.Spec, each func(bulk.Item)) (bulk.Plan, error) {
	return bulk.DryRun(ctx, b.svc, spec, each)
}

func (b bulkStore) ExportCommand(ctx context.Context, spec bulk.Spec, remote, listFile string, w io.Writer) (bulk.CommandFile, error) {
	return bulk.ExportCommand(ctx, b.svc, spec, remote, listFile, w)
}

func (b bulkStore) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	return b.svc.ListBuckets(ctx)
}

func (b bulkStore) Batch() bulkgui.BatchStore { return b.batch }

type bulkJobs struct{ m *bulk.Manager }

func (j bulkJobs) List() []bulkgui.Job {
	var out []bulkgui.Job
	for _, x := range j.m.Jobs() {
		out = append(out, x)
	}
	return out
}

func (j bulkJobs) Create(spec bulk.Spec) (bulkgui.Job, error) {
	x, err := j.m.Create(spec)
	if err != nil {
		return nil, err // a nil interface, not a nil *bulk.Job
	}
	return x, nil
}

func (j bulkJobs) Remove(id string) error { return j.m.Remove(id) }

// bulkBatch is gui/bulk's BatchStore.
type bulkBatch struct {
	svc *storage.Service
	c   *batchops.Client
}

func (b bulkBatch) InventoryConfigurations(ctx context.Context, bucket string) ([]storage.InventoryConfig, error) {
	return b.svc.InventoryConfigurations(ctx, bucket)
}

func (b bulkBatch) LatestInventoryReport(ctx context.Context, bucket string, cfg storage.InventoryConfig) (batchops.Report, error) {
	return batchops.LatestInventoryReport(ctx, b.svc, bucket, cfg)
}

// SaveManifest builds the manifest in a temporary file, then uploads it.
func (b bulkBatch) SaveManifest(ctx context.Context, spec bulk.Spec, bucket, key string) (batchops.Written, error) {
	f, err := os.CreateTemp("", "s3desk-manifest-*.csv")
	if err != nil {
		return batchops.Written{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	return batchops.SaveManifest(ctx, b.svc, spec, f, bucket, key)
}

func (b bulkBatch) Roles(ctx context.Context) ([]batchops.Role, error) { return b.c.Roles(ctx) }
func (b bulkBatch) CreateJob(ctx context.Context, req batchops.JobRequest) (string, error) {
	return b.c.CreateJob(ctx, req)
}
func (b bulkBatch) DescribeJob(ctx context.Context, region, id string) (batchops.Job, error) {
	return b.c.DescribeJob(ctx, region, id)
}
func (b bulkBatch) ListJobs(ctx context.Context, region string) ([]batchops.Job, error) {
	return b.c.ListJobs(ctx, region)
}
func (b bulkBatch) Partition() string { return b.c.Partition() }

func (b bulkBatch) Region(ctx context.Context, bucket string) string {
	r, _ := b.svc.BucketRegion(ctx, bucket)
	return r
}

// ReportURL is a one-hour link to the job's completion report manifest.
func (b bulkBatch) ReportURL(ctx context.Context, j batchops.Job) (string, error) {
	p, err := b.svc.Presign(ctx, storage.PresignInput{Op: "open the completion report", Method: http.MethodGet,
		Bucket: j.ReportBucket, Key: j.ReportManifestKey(), Expiry: time.Hour})
	return p.URL, err
}

// bulkDir is where the jobs of profile are kept: the app's storage, one
// folder per profile.
func (mw *MainWindow) bulkDir(profile string) string {
	return filepath.Join(mw.transferDataDir(), "bulk", hex.EncodeToString([]byte(profile)))
}
