package bulk

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
)

// batchList is the panel's list of S3 Batch Operations jobs it follows.
type batchList struct {
	p     *Panel
	box   *fyne.Container
	rows  *fyne.Container
	jobs  map[string]*tracked
	order []string
}

type tracked struct {
	region string
	job    batchops.Job
	err    error
	label  *widget.Label
	open   *widget.Button
}

func newBatchList(p *Panel) *batchList {
	b := &batchList{p: p, jobs: map[string]*tracked{}}
	b.rows = container.NewVBox()
	refresh := widget.NewButton(lang.L("Refresh AWS jobs"), b.refresh)
	refresh.Importance = widget.LowImportance
	b.box = container.NewVBox(container.NewHBox(widgets.SectionTitle(lang.L("S3 Batch Operations")), refresh), b.rows)
	b.box.Hide()
	return b
}

func (b *batchList) reset() {
	b.jobs, b.order = map[string]*tracked{}, nil
	b.rows.Objects = nil
	b.box.Hide()
}

func (b *batchList) shown() bool { return len(b.order) > 0 }

// track follows job id (in region) and fetches its status.
func (b *batchList) track(region, id string) {
	if b.jobs[id] == nil {
		t := &tracked{region: region, job: batchops.Job{ID: id, Status: "New"}, label: widget.NewLabel("")}
		t.label.Wrapping = fyne.TextWrapWord
		t.open = widget.NewButton(lang.L("Open completion report"), func() { b.openReport(t) })
		t.open.Importance = widget.LowImportance
		b.jobs[id] = t
		b.order = append(b.order, id)
		b.rows.Add(container.NewBorder(nil, nil, nil, t.open, t.label))
	}
	b.box.Show()
	b.draw()
	b.p.redraw()
	b.refresh()
}

// Tracked lists the followed jobs as last described (for tests).
func (p *Panel) Tracked() []batchops.Job {
	var out []batchops.Job
	for _, id := range p.batch.order {
		out = append(out, p.batch.jobs[id].job)
	}
	return out
}

func (b *batchList) draw() {
	for _, id := range b.order {
		t := b.jobs[id]
		j := t.job
		s := fmt.Sprintf(lang.L("AWS job %s: %s"), j.ID, j.Status)
		if j.Total > 0 {
			s += " · " + fmt.Sprintf(lang.L("%s of %s succeeded, %s failed"), humanize.Comma(j.Succeeded), humanize.Comma(j.Total), humanize.Comma(j.Failed))
		}
		if len(j.Reasons) > 0 {
			s += " · " + strings.Join(j.Reasons, "; ")
		}
		if t.err != nil {
			s += " · " + widgets.ErrorText(t.err)
		}
		t.label.SetText(s)
		widgets.SetEnabled(t.open, j.Done() && j.ReportBucket != "")
	}
}

// refresh asks AWS where each followed job stands.
func (b *batchList) refresh() {
	store := b.p.store
	if store == nil || store.Batch() == nil {
		return
	}
	bs := store.Batch()
	ctx := b.p.ctx
	for _, id := range b.order {
		t := b.jobs[id]
		region := t.region
		b.p.jobs.Go(func() {
			j, err := bs.DescribeJob(ctx, region, id)
			b.p.jobs.Do(func() {
				if b.jobs[id] != t {
					return
				}
				t.err = err
				if err == nil {
					t.job = j
				}
				b.draw()
			})
		})
	}
}

func (b *batchList) openReport(t *tracked) {
	bs := b.p.store.Batch()
	j := t.job
	b.p.jobs.Go(func() {
		link, err := bs.ReportURL(b.p.ctx, j)
		b.p.jobs.Do(func() {
			if err == nil {
				var u *url.URL
				if u, err = url.Parse(link); err == nil {
					err = b.p.openURL(u)
				}
			}
			if err != nil {
				widgets.ShowError(b.p.win, lang.L("Completion report"), err)
			}
		})
	})
}

// BatchDialog creates an S3 Batch Operations job for a planned bulk job.
type BatchDialog struct {
	p     *Panel
	d     dialog.Dialog
	spec  bulk.Spec
	plan  bulk.Plan
	op    batchops.Operation
	ctx   context.Context
	stop  context.CancelFunc
	store BatchStore

	source           *widget.RadioGroup
	manifestBucket   *widget.SelectEntry
	manifestKey      *widget.Entry
	inventory        *widget.Select
	inventoryText    *widget.Label
	configs          []storage.InventoryConfig
	report           *batchops.Report
	reportBucket     *widget.SelectEntry
	reportPrefix     *widget.Entry
	role             *widget.SelectEntry
	roles            []batchops.Role
	roleText, status *widget.Label
	create           *widget.Button
}

const (
	srcManifest  = "manifest"
	srcInventory = "inventory"
)

// ShowBatch opens "Run on AWS (S3 Batch Operations)" for spec. A delete is
// answered with the lifecycle rule that does it instead, and why.
func (p *Panel) ShowBatch(spec bulk.Spec, plan bulk.Plan) *BatchDialog {
	if spec.Op == bulk.Delete {
		p.showLifecycleInstead(spec)
		return nil
	}
	op, err := batchops.FromBulk(spec)
	if err != nil {
		widgets.ShowMessage(p.win, lang.L("S3 Batch Operations"), err.Error())
		return nil
	}
	if p.store == nil || p.store.Batch() == nil {
		widgets.ShowMessage(p.win, lang.L("S3 Batch Operations"), lang.L("S3 Batch Operations exists on AWS only; use Export as command file to run the job with rclone elsewhere."))
		return nil
	}
	g := &BatchDialog{p: p, spec: spec, plan: plan, op: op, store: p.store.Batch()}
	g.ctx, g.stop = context.WithCancel(p.jobs.Ctx())
	g.build()
	return g
}

func (p *Panel) showLifecycleInstead(spec bulk.Spec) {
	prefix := ""
	if len(spec.Source.Prefixes) == 1 {
		prefix = spec.Source.Prefixes[0]
	}
	rule := batchops.LifecycleExpiration(prefix)
	e := widget.NewMultiLineEntry()
	e.SetText(rule)
	why := widget.NewLabel(lang.L(batchops.DeleteExplanation))
	why.Wrapping = fyne.TextWrapWord
	copyBtn := widget.NewButton(lang.L("Copy rule"), func() { p.win.Clipboard().SetContent(rule) })
	d := dialog.NewCustom(lang.L("Delete on AWS"), lang.L("Close"), container.NewBorder(why, copyBtn, nil, nil, e), p.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}

func (g *BatchDialog) build() {
	g.source = widget.NewRadioGroup([]string{lang.L("Write a manifest (CSV) to a bucket"), lang.L("Use an S3 Inventory report")}, func(string) { g.check() })
	g.source.SetSelected(lang.L("Write a manifest (CSV) to a bucket"))
	g.manifestBucket = widget.NewSelectEntry(nil)
	g.manifestBucket.SetText(g.spec.Source.Bucket)
	g.manifestKey = widget.NewEntry()
	g.manifestKey.SetText(manifestKey(time.Now(), string(g.spec.Op)))
	g.inventory = widget.NewSelect(nil, func(string) { g.pickInventory() })
	g.inventory.PlaceHolder = lang.L("(loading inventory configurations…)")
	g.inventoryText = widget.NewLabel("")
	g.inventoryText.Wrapping = fyne.TextWrapWord
	g.reportBucket = widget.NewSelectEntry(nil)
	g.reportBucket.SetText(g.spec.Source.Bucket)
	g.reportPrefix = widget.NewEntry()
	g.reportPrefix.SetText(lang.L("s3desk-reports"))
	g.role = widget.NewSelectEntry(nil)
	g.role.SetPlaceHolder(lang.L("arn:aws:iam::123456789012:role/s3-batch"))
	g.roleText = widget.NewLabel(lang.L("Loading the account's roles…"))
	g.roleText.Wrapping = fyne.TextWrapWord
	for _, e := range []*widget.Entry{g.manifestKey, g.reportPrefix} {
		e.OnChanged = func(string) { g.check() }
	}
	for _, e := range []*widget.SelectEntry{g.manifestBucket, g.reportBucket, g.role} {
		e.OnChanged = func(string) { g.check() }
	}
	trust := widget.NewMultiLineEntry()
	trust.SetText(batchops.TrustPolicy)
	trust.SetMinRowsVisible(4)
	perms := batchops.PermissionsPolicy(g.store.Partition(), g.op, g.spec.Source.Bucket, g.manifestBucket.Text, g.reportBucket.Text)
	copyTrust := widget.NewButton(lang.L("Copy trust policy"), func() { g.p.win.Clipboard().SetContent(batchops.TrustPolicy) })
	copyPerms := widget.NewButton(lang.L("Copy permissions policy"), func() { g.p.win.Clipboard().SetContent(perms) })
	g.status = widget.NewLabel(fmt.Sprintf(lang.L("AWS will run %s on %s objects and write a completion report."), g.op.Kind, humanize.Comma(g.plan.Objects)))
	g.status.Wrapping = fyne.TextWrapWord
	if g.op.Kind == batchops.OpCopy && g.op.TargetPrefix != "" {
		g.status.SetText(g.status.Text + " " + fmt.Sprintf(lang.L("Each copy goes to %s/%s followed by its full key."), g.op.TargetBucket, g.op.TargetPrefix))
	}
	g.create = widget.NewButton(lang.L("Create job"), g.createJob)
	g.create.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Objects from"), g.source),
		widget.NewFormItem(lang.L("Manifest bucket"), g.manifestBucket),
		widget.NewFormItem(lang.L("Manifest key"), g.manifestKey),
		widget.NewFormItem(lang.L("Inventory"), container.NewVBox(g.inventory, g.inventoryText)),
		widget.NewFormItem(lang.L("Report bucket"), g.reportBucket),
		widget.NewFormItem(lang.L("Report folder"), g.reportPrefix),
		widget.NewFormItem(lang.L("IAM role"), container.NewVBox(g.role, g.roleText)),
		widget.NewFormItem(lang.L("Trust policy"), container.NewBorder(nil, container.NewHBox(copyTrust, copyPerms), nil, nil, trust)),
	)
	content := container.NewVScroll(container.NewVBox(form, g.status, g.create))
	g.d = dialog.NewCustom(lang.L("Run on AWS (S3 Batch Operations)"), lang.L("Close"), content, g.p.win)
	g.d.SetOnClosed(g.stop)
	g.d.Resize(fyne.NewSize(680, 620))
	g.d.Show()
	g.load()
	g.check()
}

// load fetches the buckets, roles and inventory configurations.
func (g *BatchDialog) load() {
	store, ui, ctx := g.p.store, g.p.jobs.Do, g.ctx
	g.p.jobs.Go(func() {
		bs, err := store.ListBuckets(ctx)
		if err != nil {
			return
		}
		names := make([]string, len(bs))
		for i, b := range bs {
			names[i] = b.Name
		}
		ui(func() { g.manifestBucket.SetOptions(names); g.reportBucket.SetOptions(names) })
	})
	g.p.jobs.Go(func() {
		roles, err := g.store.Roles(ctx)
		ui(func() {
			if err != nil {
				g.roleText.SetText(widgets.ErrorText(err) + " " + lang.L("Paste the ARN of a role with the trust policy below."))
				return
			}
			g.roles = roles
			opts := make([]string, len(roles))
			for i, r := range roles {
				opts[i] = r.ARN
			}
			g.role.SetOptions(opts)
			if len(roles) == 0 {
				g.roleText.SetText(lang.L("No role of this account trusts S3 Batch Operations yet: create one with the trust policy below, then paste its ARN."))
			} else {
				g.roleText.SetText(fmt.Sprintf(lang.L("%d roles trust S3 Batch Operations; pick one or paste an ARN."), len(roles)))
			}
		})
	})
	g.p.jobs.Go(func() {
		cfgs, err := g.store.InventoryConfigurations(ctx, g.spec.Source.Bucket)
		ui(func() {
			g.configs = nil
			var names []string
			for _, c := range cfgs {
				if c.Enabled && strings.EqualFold(c.Format, "CSV") {
					g.configs = append(g.configs, c)
					names = append(names, c.ID)
				}
			}
			g.inventory.SetOptions(names)
			switch {
			case err != nil:
				g.inventoryText.SetText(widgets.ErrorText(err))
			case len(names) == 0:
				g.inventoryText.SetText(lang.L("The bucket has no enabled CSV inventory configuration."))
			default:
				g.inventoryText.SetText("")
			}
			g.inventory.PlaceHolder = lang.L("(pick an inventory)")
			g.inventory.Refresh()
		})
	})
}

func (g *BatchDialog) pickInventory() {
	i := g.inventory.SelectedIndex()
	if i < 0 || i >= len(g.configs) {
		return
	}
	cfg := g.configs[i]
	g.report = nil
	g.inventoryText.SetText(lang.L("Finding the latest report…"))
	g.source.SetSelected(lang.L("Use an S3 Inventory report"))
	g.p.jobs.Go(func() {
		r, err := g.store.LatestInventoryReport(g.ctx, g.spec.Source.Bucket, cfg)
		g.p.jobs.Do(func() {
			if err != nil {
				g.inventoryText.SetText(widgets.ErrorText(err))
			} else {
				g.report = &r
				g.inventoryText.SetText(fmt.Sprintf(lang.L("Report of %s: %d files, %s. It lists the whole bucket (or the inventory's filter), not only this selection."),
					r.Manifest.Created().Local().Format("2 Jan 2006 15:04"), len(r.Manifest.Files), humanize.IBytes(uint64(r.Manifest.Bytes()))))
			}
			g.check()
		})
	})
}

func (g *BatchDialog) useInventory() bool {
	return g.source.Selected == lang.L("Use an S3 Inventory report")
}

func (g *BatchDialog) check() {
	if g.create == nil {
		return
	}
	ok := strings.Contains(g.role.Text, ":role/") && g.reportBucket.Text != ""
	if g.useInventory() {
		ok = ok && g.report != nil
	} else {
		ok = ok && g.manifestBucket.Text != "" && g.manifestKey.Text != ""
	}
	widgets.SetEnabled(g.create, ok)
}

// createJob writes the manifest (unless an inventory report is used),
// creates the job and follows it in the panel.
func (g *BatchDialog) createJob() {
	req := batchops.JobRequest{Operation: g.op, RoleARN: strings.TrimSpace(g.role.Text), ReportBucket: strings.TrimSpace(g.reportBucket.Text),
		ReportPrefix: strings.Trim(g.reportPrefix.Text, "/"), Description: "S3 Desk: " + g.spec.Describe()}
	inv := g.useInventory()
	report := g.report
	mb, mk := strings.TrimSpace(g.manifestBucket.Text), strings.TrimLeft(g.manifestKey.Text, "/")
	spec := g.spec
	g.create.Disable()
	g.status.SetText(lang.L("Creating the job…"))
	g.p.jobs.Go(func() {
		req.Region = g.store.Region(g.ctx, spec.Source.Bucket)
		if inv {
			req.Manifest.Inventory = report
		} else {
			w, err := g.store.SaveManifest(g.ctx, spec, mb, mk)
			if err != nil {
				g.fail(err)
				return
			}
			req.Manifest.CSV = &w
		}
		id, err := g.store.CreateJob(g.ctx, req)
		if err != nil {
			g.fail(err)
			return
		}
		g.p.jobs.Do(func() {
			g.p.batch.track(req.Region, id)
			g.d.Hide()
		})
	})
}

func (g *BatchDialog) fail(err error) {
	g.p.jobs.Do(func() {
		g.status.SetText(widgets.ErrorText(err))
		g.check()
	})
}

// manifestKey is the default object key of a job's manifest (a key, not
// text: it is not translated).
func manifestKey(now time.Time, op string) string {
	return "s3desk-manifests/" + now.UTC().Format("20060102-150405") + "-" + op + ".csv"
}
