package bulk

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage"
	"s3desk/storage/bulk"
	"s3desk/storage/bulk/batchops"
)

// ConfirmAbove is the object count above which starting a job asks the
// user to type the count.
const ConfirmAbove = 1000

// sampleKeys is how many keys of the dry run the dialog lists.
const sampleKeys = 200

// opChoice is one entry of the operation list.
type opChoice struct {
	label  string
	kind   bulk.Kind
	public bool
}

func opChoices() []opChoice {
	return []opChoice{
		{lang.L("Delete"), bulk.Delete, false},
		{lang.L("Copy to…"), bulk.Copy, false},
		{lang.L("Move to…"), bulk.Move, false},
		{lang.L("Set Content-Type, Cache-Control, metadata"), bulk.Metadata, false},
		{lang.L("Set storage class"), bulk.StorageClass, false},
		{lang.L("Set or replace tags"), bulk.Tags, false},
		{lang.L("Make public"), bulk.ACL, true},
		{lang.L("Make private"), bulk.ACL, false},
		{lang.L("Restore from archive"), bulk.Restore, false},
	}
}

// Dialog is "Bulk action…": choose the operation, run the dry run, confirm,
// start (or hand the job to AWS, or export it for rclone).
type Dialog struct {
	p    *Panel
	d    dialog.Dialog
	ctx  context.Context
	stop context.CancelFunc

	bucket, prefix string
	source         bulk.Source

	choices                             []opChoice
	op                                  *widget.Select
	destBucket                          *widget.SelectEntry
	destPrefix, contentType, cacheCtl   *widget.Entry
	meta, tags, days                    *widget.Entry
	class, tier                         *widget.Select
	tagMode                             *widget.RadioGroup
	params                              *fyne.Container
	planText                            *widget.Label
	keys                                *widget.List
	sample                              []string
	confirm                             *widget.Entry
	confirmHint                         *widget.Label
	dryBtn, startBtn, awsBtn, exportBtn *widget.Button

	plan     *bulk.Plan // the dry run of planSpec; nil when none is current
	planSpec bulk.Spec
	planning context.CancelFunc
	built    bool         // every widget exists: callbacks may run
	batch    *BatchDialog // the last "Run on AWS" dialog, nil when none
}

// ShowBulk opens the dialog for the selection entries of folder prefix in
// bucket, or for the whole folder when nothing is selected.
func (p *Panel) ShowBulk(bucket, prefix string, entries []storage.Entry) *Dialog {
	g := &Dialog{p: p, bucket: bucket, prefix: prefix, choices: opChoices()}
	g.ctx, g.stop = context.WithCancel(p.jobs.Ctx())
	g.source = bulk.Source{Bucket: bucket}
	for _, e := range entries {
		if e.IsFolder {
			g.source.Prefixes = append(g.source.Prefixes, e.Key)
		} else {
			g.source.Keys = append(g.source.Keys, bulk.Item{Key: e.Key, Size: e.Size, ETag: e.ETag})
		}
	}
	if len(entries) == 0 {
		g.source.Prefixes = []string{prefix}
	}
	g.build()
	return g
}

func (g *Dialog) build() {
	labels := make([]string, len(g.choices))
	for i, c := range g.choices {
		labels[i] = c.label
	}
	g.op = widget.NewSelect(labels, func(string) { g.showParams(); g.invalidate() })
	g.destBucket = widget.NewSelectEntry(nil)
	g.destBucket.SetText(g.bucket)
	g.destPrefix = widget.NewEntry()
	g.destPrefix.SetPlaceHolder(lang.L("folder/ in the destination bucket"))
	g.contentType, g.cacheCtl, g.meta = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	g.contentType.SetPlaceHolder(lang.L("keep the current one"))
	g.cacheCtl.SetPlaceHolder(lang.L("keep the current one"))
	g.meta.SetPlaceHolder(lang.L("key=value, key=value (empty: keep the metadata)"))
	g.tags = widget.NewEntry()
	g.tags.SetPlaceHolder(lang.L("key=value, key=value (empty: remove all tags)"))
	g.tagMode = widget.NewRadioGroup([]string{lang.L("Replace the tags"), lang.L("Add to the tags")}, func(string) { g.invalidate() })
	g.tagMode.SetSelected(lang.L("Replace the tags"))
	g.class = widget.NewSelect(storageClasses, func(string) { g.invalidate() }) // S3's names, not translated
	g.class.SetSelected("STANDARD_IA")
	g.days = widget.NewEntry()
	g.days.SetText("7")
	tierLabels := make([]string, len(restoreTiers))
	for i, t := range restoreTiers {
		tierLabels[i] = lang.L(t)
	}
	g.tier = widget.NewSelect(tierLabels, func(string) { g.invalidate() })
	g.tier.SetSelectedIndex(0)
	for _, e := range []*widget.Entry{g.destPrefix, g.contentType, g.cacheCtl, g.meta, g.tags, g.days} {
		e.OnChanged = func(string) { g.invalidate() }
	}
	g.destBucket.OnChanged = func(string) { g.invalidate() }
	g.params = container.NewVBox()

	g.planText = widget.NewLabel(lang.L("Run the dry run to see what the job will touch."))
	g.planText.Wrapping = fyne.TextWrapWord
	g.keys = widget.NewList(func() int { return len(g.sample) }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(g.sample[i]) })
	g.confirm = widget.NewEntry()
	g.confirmHint = widget.NewLabel("")
	g.confirm.OnChanged = func(string) { g.updateButtons() }
	g.dryBtn = widget.NewButton(lang.L("Dry run"), g.dryRun)
	g.startBtn = widget.NewButton(lang.L("Start"), g.start)
	g.startBtn.Importance = widget.HighImportance
	g.awsBtn = widget.NewButton(lang.L("Run on AWS (S3 Batch Operations)…"), g.runOnAWS)
	g.exportBtn = widget.NewButton(lang.L("Export as command file…"), g.export)
	g.built = true
	if g.p.store == nil || g.p.store.Batch() == nil {
		g.awsBtn.Hide()
	} else {
		g.exportBtn.Hide()
	}
	g.op.SetSelectedIndex(3)

	what := g.bucket + "/" + g.prefix
	if n := len(g.source.Keys) + len(g.source.Prefixes); n > 0 && !(len(g.source.Keys) == 0 && len(g.source.Prefixes) == 1 && g.source.Prefixes[0] == g.prefix) {
		what = fmt.Sprintf(lang.L("%d selected in %s"), n, what)
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("Objects"), widget.NewLabel(what)), widget.NewFormItem(lang.L("Action"), g.op))
	top := container.NewVBox(form, g.params, widget.NewSeparator(), g.planText)
	bottom := container.NewVBox(g.confirmHint, g.confirm,
		container.NewHBox(g.dryBtn, g.exportBtn, g.awsBtn, g.startBtn))
	content := container.NewBorder(top, bottom, nil, nil, g.keys)
	g.d = dialog.NewCustom(lang.L("Bulk action"), lang.L("Close"), content, g.p.win)
	g.d.SetOnClosed(func() { g.stop() })
	widgets.FitDialog(g.d, 640)
	g.d.Resize(fyne.NewSize(640, 560))
	g.d.Show()
	g.loadBuckets()
	g.updateButtons()
}

func (g *Dialog) loadBuckets() {
	store := g.p.store
	if store == nil {
		return
	}
	g.p.jobs.Go(func() {
		bs, err := store.ListBuckets(g.ctx)
		if err != nil {
			return
		}
		names := make([]string, len(bs))
		for i, b := range bs {
			names[i] = b.Name
		}
		g.p.jobs.Do(func() { g.destBucket.SetOptions(names) })
	})
}

func (g *Dialog) choice() opChoice {
	i := g.op.SelectedIndex()
	if i < 0 {
		i = 0
	}
	return g.choices[i]
}

// showParams shows the fields of the chosen operation.
func (g *Dialog) showParams() {
	item := widget.NewFormItem
	var items []*widget.FormItem
	switch g.choice().kind {
	case bulk.Copy, bulk.Move:
		items = []*widget.FormItem{item(lang.L("To bucket"), g.destBucket), item(lang.L("To folder"), g.destPrefix)}
	case bulk.Metadata:
		items = []*widget.FormItem{item("Content-Type", g.contentType), item("Cache-Control", g.cacheCtl), item(lang.L("Metadata"), g.meta)}
	case bulk.StorageClass:
		items = []*widget.FormItem{item(lang.L("Storage class"), g.class)}
	case bulk.Tags:
		items = []*widget.FormItem{item(lang.L("Tags"), g.tags), item("", g.tagMode)}
	case bulk.Restore:
		items = []*widget.FormItem{item(lang.L("Days"), g.days), item(lang.L("Tier"), g.tier)}
	}
	g.params.Objects = nil
	if len(items) > 0 {
		g.params.Objects = []fyne.CanvasObject{widget.NewForm(items...)}
	}
	g.params.Refresh()
}

// pairs parses "k=v, k=v".
func pairs(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf(lang.L("%q is not key=value"), part)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// spec is the job the fields describe.
func (g *Dialog) spec() (bulk.Spec, error) {
	c := g.choice()
	s := bulk.Spec{Op: c.kind, Source: g.source, BasePrefix: g.prefix, Public: c.public}
	switch c.kind {
	case bulk.Copy, bulk.Move:
		s.DestBucket = strings.TrimSpace(g.destBucket.Text)
		s.DestPrefix = strings.TrimLeft(g.destPrefix.Text, "/")
		if s.DestPrefix != "" && !strings.HasSuffix(s.DestPrefix, "/") {
			s.DestPrefix += "/"
		}
	case bulk.Metadata:
		s.Metadata.ContentType = strings.TrimSpace(g.contentType.Text)
		s.Metadata.CacheControl = strings.TrimSpace(g.cacheCtl.Text)
		if strings.TrimSpace(g.meta.Text) != "" {
			m, err := pairs(g.meta.Text)
			if err != nil {
				return s, err
			}
			s.Metadata.Metadata = m
		}
		if s.Metadata.ContentType == "" && s.Metadata.CacheControl == "" && s.Metadata.Metadata == nil {
			return s, fmt.Errorf("%s", lang.L("Say what to change: a Content-Type, a Cache-Control or metadata."))
		}
	case bulk.StorageClass:
		s.Class = g.class.Selected
	case bulk.Tags:
		t, err := pairs(g.tags.Text)
		if err != nil {
			return s, err
		}
		s.Tags, s.TagsMerge = t, g.tagMode.Selected == lang.L("Add to the tags")
	case bulk.Restore:
		d, err := strconv.Atoi(strings.TrimSpace(g.days.Text))
		if err != nil || d < 1 {
			return s, fmt.Errorf("%s", lang.L("Days: a whole number, 1 or more."))
		}
		i := g.tier.SelectedIndex()
		if i < 0 || i >= len(restoreTiers) {
			return s, fmt.Errorf("%s", lang.L("Choose a retrieval tier."))
		}
		s.RestoreDays, s.RestoreTier = int32(d), restoreTiers[i] // the API value, not its translated label
	}
	return s, nil
}

// invalidate drops a dry run that no longer matches the fields.
func (g *Dialog) invalidate() {
	if !g.built {
		return
	}
	if g.planning != nil {
		g.planning()
		g.planning = nil
	}
	if g.plan != nil {
		g.plan = nil
		g.planText.SetText(lang.L("The action changed: run the dry run again."))
	}
	g.updateButtons()
}

type planProgress struct {
	n, bytes int64
	sample   []string
}

// dryRun lists what the job will touch, streaming the count.
func (g *Dialog) dryRun() {
	spec, err := g.spec()
	if err != nil {
		g.planText.SetText(err.Error())
		return
	}
	store := g.p.store
	if store == nil {
		return
	}
	g.invalidate()
	ctx, cancel := context.WithCancel(g.ctx)
	g.planning = cancel
	g.sample = nil
	g.keys.Refresh()
	g.planText.SetText(lang.L("Listing…"))
	show := func(pp planProgress) {
		g.sample = pp.sample
		g.keys.Refresh()
		g.planText.SetText(fmt.Sprintf(lang.L("Listing… %s objects, %s so far"), humanize.Comma(pp.n), humanize.IBytes(uint64(pp.bytes))))
	}
	th := async.NewThrottle(async.Every, g.p.jobs.Do, show)
	g.updateButtons()
	g.p.jobs.Go(func() {
		var pp planProgress
		plan, err := store.DryRun(ctx, spec, func(it bulk.Item) {
			pp.n++
			pp.bytes += it.Size
			if len(pp.sample) < sampleKeys {
				pp.sample = append(pp.sample, it.Key)
				th.Push(planProgress{n: pp.n, bytes: pp.bytes, sample: append([]string(nil), pp.sample...)})
			} else if pp.n%1000 == 0 {
				th.Push(planProgress{n: pp.n, bytes: pp.bytes, sample: pp.sample[:len(pp.sample):len(pp.sample)]})
			}
		})
		th.Flush()
		g.p.jobs.Do(func() {
			if ctx.Err() != nil { // invalidated or closed: a newer run or none counts
				return
			}
			g.planning = nil
			cancel()
			g.sample = pp.sample
			g.keys.Refresh()
			if err != nil {
				g.planText.SetText(widgets.ErrorText(err))
				g.updateButtons()
				return
			}
			g.plan, g.planSpec = &plan, spec
			g.planText.SetText(planWords(spec, plan))
			g.updateButtons()
		})
	})
}

// planWords says what the dry run found and what the job will do.
func planWords(spec bulk.Spec, plan bulk.Plan) string {
	if plan.Objects == 0 {
		return lang.L("The dry run found no objects: there is nothing to do.")
	}
	s := fmt.Sprintf(lang.L("The job will %s %s objects (%s)."), spec.Op, humanize.Comma(plan.Objects), humanize.IBytes(uint64(plan.Bytes)))
	if plan.Objects >= batchops.DefaultThreshold {
		s += " " + lang.L("That is a lot for one computer: on AWS, S3 Batch Operations can run it server-side.")
	}
	return s
}

// updateButtons enables what the current state allows.
func (g *Dialog) updateButtons() {
	ok := g.plan != nil && g.plan.Objects > 0
	need := ok && g.plan.Objects > ConfirmAbove
	if need {
		g.confirmHint.SetText(fmt.Sprintf(lang.L("Type the number of objects (%s) to confirm:"), humanize.Comma(g.plan.Objects)))
		g.confirmHint.Show()
		g.confirm.Show()
	} else {
		g.confirmHint.Hide()
		g.confirm.Hide()
	}
	typed := strings.NewReplacer(",", "", ".", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(g.confirm.Text))
	confirmed := !need || typed == strconv.FormatInt(g.plan.Objects, 10)
	widgets.SetEnabled(g.startBtn, ok && confirmed)
	widgets.SetEnabled(g.dryBtn, g.planning == nil)
	widgets.SetEnabled(g.exportBtn, ok)
	widgets.SetEnabled(g.awsBtn, ok)
	if ok && g.plan.Objects >= batchops.DefaultThreshold {
		g.awsBtn.Importance = widget.HighImportance
	} else {
		g.awsBtn.Importance = widget.MediumImportance
	}
	g.awsBtn.Refresh()
}

// start creates the job from the dry run and closes the dialog.
func (g *Dialog) start() {
	if g.plan == nil {
		return
	}
	spec := g.planSpec
	spec.PlannedObjects, spec.PlannedBytes = g.plan.Objects, g.plan.Bytes
	if _, err := g.p.Start(spec); err != nil {
		widgets.ShowError(g.p.win, lang.L("Bulk action"), err)
		return
	}
	g.d.Hide()
}

// runOnAWS opens the Batch Operations dialog for the planned job.
func (g *Dialog) runOnAWS() {
	if g.plan == nil {
		return
	}
	g.batch = g.p.ShowBatch(g.planSpec, *g.plan)
}

// export saves the job as an rclone list and shows its command.
func (g *Dialog) export() {
	if g.plan == nil || g.p.store == nil {
		return
	}
	spec, store := g.planSpec, g.p.store
	var text string
	g.p.saveAs("s3desk-"+string(spec.Op)+"-files.txt", func(w io.Writer, path string) error {
		cf, err := store.ExportCommand(g.ctx, spec, "s3desk", path, w)
		if err != nil {
			return err
		}
		text = cf.Command
		if cf.Unsupported != "" {
			text = cf.Unsupported
		}
		return nil
	}, func() { g.p.showCommand(text) })
}

// showCommand shows an rclone command line with a Copy button.
func (p *Panel) showCommand(cmd string) {
	e := widget.NewMultiLineEntry()
	e.SetText(cmd)
	e.Wrapping = fyne.TextWrapBreak
	copyBtn := widget.NewButton(lang.L("Copy"), func() { p.win.Clipboard().SetContent(cmd) })
	note := widget.NewLabel(lang.L("Run it on a machine where rclone has a remote named s3desk for this account (rclone config)."))
	note.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("Command file"), lang.L("Close"), container.NewBorder(note, copyBtn, nil, nil, e), p.win)
	d.Resize(fyne.NewSize(600, 300))
	d.Show()
}

// storageClasses are the classes a bulk job can set, by S3's names.
var storageClasses = []string{"STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY"}

// restoreTiers are the retrieval tiers by their API values; the dialog
// shows them translated (i18n:keys).
var restoreTiers = []string{"Standard", "Bulk", "Expedited"}
