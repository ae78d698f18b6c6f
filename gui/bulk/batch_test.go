//go:build ci

package bulk

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
	"s3desk/storage/s3test"
)

// fakeBatch stands in for S3 Batch Operations (no test server implements
// S3 Control; the requests themselves are tested at a loopback endpoint in
// storage/bulk/batchops). It records what the dialog asks for.
type fakeBatch struct {
	mu       sync.Mutex
	created  []batchops.JobRequest
	saved    []string
	status   string
	rolesErr error
	opened   []string
}

func (f *fakeBatch) InventoryConfigurations(context.Context, string) ([]storage.InventoryConfig, error) {
	return []storage.InventoryConfig{{ID: "daily-csv", Enabled: true, Format: "CSV", DestinationBucket: "inv"}, {ID: "orc", Enabled: true, Format: "ORC"}}, nil
}
func (f *fakeBatch) LatestInventoryReport(_ context.Context, bucket string, cfg storage.InventoryConfig) (batchops.Report, error) {
	return batchops.Report{Config: cfg, Bucket: "inv", Key: bucket + "/daily-csv/2026-12-01T00-00Z/manifest.json", ETag: "e",
		Manifest: batchops.InventoryManifest{CreationTimestamp: "1764547200000", Files: []batchops.InventoryFile{{Key: "f", Size: 2048}}}}, nil
}
func (f *fakeBatch) SaveManifest(_ context.Context, spec bulk.Spec, bucket, key string) (batchops.Written, error) {
	f.mu.Lock()
	f.saved = append(f.saved, bucket+"/"+key)
	f.mu.Unlock()
	return batchops.Written{Bucket: bucket, Key: key, ETag: "m", Objects: 3}, nil
}
func (f *fakeBatch) Roles(context.Context) ([]batchops.Role, error) {
	if f.rolesErr != nil {
		return nil, f.rolesErr
	}
	return []batchops.Role{{Name: "batch", ARN: "arn:aws:iam::123456789012:role/batch"}}, nil
}
func (f *fakeBatch) CreateJob(_ context.Context, req batchops.JobRequest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, req)
	return fmt.Sprintf("job-%d", len(f.created)), nil
}
func (f *fakeBatch) DescribeJob(_ context.Context, region, id string) (batchops.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return batchops.Job{ID: id, Status: f.status, Total: 3, Succeeded: 3, ReportBucket: "rep", ReportPrefix: "r"}, nil
}
func (f *fakeBatch) ListJobs(context.Context, string) ([]batchops.Job, error) { return nil, nil }
func (f *fakeBatch) ReportURL(_ context.Context, j batchops.Job) (string, error) {
	return "https://rep.s3.amazonaws.com/" + j.ReportManifestKey() + "?X-Amz-Signature=x", nil
}
func (f *fakeBatch) Partition() string                     { return "aws" }
func (f *fakeBatch) Region(context.Context, string) string { return "eu-west-1" }

// TestBatchDialogCreatesAndFollowsJob: on AWS the bulk dialog offers Run
// on AWS; the Batch Operations dialog lists the roles that trust Batch
// Operations, writes the manifest to the chosen bucket, creates the job
// with the operation, report and role, and the panel follows it until the
// completion report can be opened.
func TestBatchDialogCreatesAndFollowsJob(t *testing.T) {
	srv := s3test.StartVersity(t)
	svc := srv.Service(t)
	b := srv.Bucket(t)
	seedKeys(t, srv, b, "p/", 3)
	fb := &fakeBatch{status: "Active"}
	h := newHarness(t, realStore{svc: svc, batch: fb})
	var opened []string
	h.p.OpenURL = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	var g *Dialog
	h.j.Do(func() {
		g = h.p.ShowBulk(b, "", []storage.Entry{{Key: "p/", IsFolder: true}})
		if g.awsBtn.Visible() == false || g.exportBtn.Visible() {
			t.Fatal("on AWS the dialog offers Batch Operations, not the rclone export")
		}
		g.op.SetSelectedIndex(5) // tags
		g.tags.SetText("project=desk, tier=cold")
	})
	h.tap(g.dryBtn)
	h.j.Wait()
	h.tap(g.awsBtn)
	h.j.Wait()
	bd := g.batch
	if bd == nil {
		t.Fatal("Run on AWS opened no dialog")
	}
	h.j.Do(func() {
		if len(bd.roles) != 1 || !strings.Contains(bd.roleText.Text, "1 roles") {
			t.Fatalf("roles: %v %q", bd.roles, bd.roleText.Text)
		}
		if len(bd.configs) != 1 || bd.configs[0].ID != "daily-csv" {
			t.Fatalf("only enabled CSV inventories are offered: %+v", bd.configs)
		}
		if !bd.create.Disabled() {
			t.Fatal("Create job enabled without a role")
		}
		bd.role.SetText("arn:aws:iam::123456789012:role/batch")
		bd.manifestBucket.SetText("manifests")
		bd.reportBucket.SetText("rep")
		if bd.create.Disabled() {
			t.Fatal("Create job disabled with everything filled in")
		}
	})
	h.tap(bd.create)
	h.j.Wait()
	fb.mu.Lock()
	if len(fb.created) != 1 || len(fb.saved) != 1 || !strings.HasPrefix(fb.saved[0], "manifests/s3desk-manifests/") {
		t.Fatalf("created %+v saved %v", fb.created, fb.saved)
	}
	req := fb.created[0]
	fb.mu.Unlock()
	if req.Operation.Kind != batchops.OpTags || req.Operation.Tags["tier"] != "cold" || req.RoleARN != "arn:aws:iam::123456789012:role/batch" ||
		req.ReportBucket != "rep" || req.ReportPrefix != "s3desk-reports" || req.Region != "eu-west-1" || req.Manifest.CSV == nil || req.Manifest.CSV.Bucket != "manifests" {
		t.Fatalf("request %+v", req)
	}
	h.j.Do(func() {
		if tr := h.p.Tracked(); len(tr) != 1 || tr[0].ID != "job-1" || tr[0].Status != "Active" {
			t.Fatalf("tracked %+v", tr)
		}
		if !h.p.batch.jobs["job-1"].open.Disabled() {
			t.Fatal("the report opens before the job is done")
		}
	})
	fb.mu.Lock()
	fb.status = "Complete"
	fb.mu.Unlock()
	h.j.Do(h.p.batch.refresh)
	h.j.Wait()
	h.tap(h.p.batch.jobs["job-1"].open)
	h.j.Wait()
	if len(opened) != 1 || !strings.Contains(opened[0], "r/job-job-1/manifest.json") {
		t.Fatalf("opened %v", opened)
	}
	if s := h.p.batch.jobs["job-1"].label.Text; !strings.Contains(s, "Complete") || !strings.Contains(s, "3 of 3 succeeded") {
		t.Fatalf("label %q", s)
	}

	// Using the inventory instead: no manifest is written.
	h.j.Do(func() { bd = h.p.ShowBatch(g.planSpec, *g.plan) })
	h.j.Wait()
	h.j.Do(func() {
		bd.inventory.SetSelectedIndex(0)
	})
	h.j.Wait()
	h.j.Do(func() {
		bd.role.SetText("arn:aws:iam::123456789012:role/batch")
		if !bd.useInventory() || bd.report == nil || bd.create.Disabled() {
			t.Fatalf("inventory picked: %v %v", bd.report, bd.create.Disabled())
		}
	})
	h.tap(bd.create)
	h.j.Wait()
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if len(fb.created) != 2 || len(fb.saved) != 1 || fb.created[1].Manifest.Inventory == nil || fb.created[1].Manifest.CSV != nil {
		t.Fatalf("inventory job: %+v (saved %v)", fb.created[len(fb.created)-1], fb.saved)
	}
}

// TestBatchDialogDeleteOffersLifecycle: a delete is not sent to Batch
// Operations; the dialog says why and shows the lifecycle rule.
func TestBatchDialogDeleteOffersLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	h.j.Do(func() {
		if bd := h.p.ShowBatch(bulk.Spec{Op: bulk.Delete, Source: bulk.Source{Bucket: "b", Prefixes: []string{"old/"}}}, bulk.Plan{Objects: 5e6}); bd != nil {
			t.Fatal("a Batch Operations dialog for a delete")
		}
		text := dump(h.w.Canvas().Overlays().Top())
		if !strings.Contains(text, "no delete operation") || !strings.Contains(text, "<Prefix>old/</Prefix>") || !strings.Contains(text, "<Expiration><Days>1</Days></Expiration>") {
			t.Fatalf("dialog: %q", text)
		}
	})
}
