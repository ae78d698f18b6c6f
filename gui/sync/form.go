package sync

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	ssync "s3desk/storage/sync"
)

// side is one bucket side of the form: profile, bucket, prefix.
type side struct {
	profile *widget.Select
	bucket  *widget.SelectEntry
	prefix  *widget.Entry
	box     *fyne.Container
}

func (v *View) newSide(title string) *side {
	s := &side{profile: widget.NewSelect(nil, nil), bucket: widget.NewSelectEntry(nil), prefix: widget.NewEntry()}
	s.bucket.SetPlaceHolder(lang.L("Bucket"))
	s.prefix.SetPlaceHolder(lang.L("folder/ (empty: the whole bucket)"))
	s.profile.OnChanged = func(string) { v.loadBuckets(s) }
	s.box = container.NewBorder(nil, nil, widget.NewLabel(title), nil,
		container.NewGridWithColumns(3, s.profile, s.bucket, s.prefix))
	return s
}

// directions in the order of the Direction select.
func directionNames() []string {
	return []string{lang.L("Local folder → bucket"), lang.L("Bucket → local folder"), lang.L("Bucket → bucket")}
}

func compareNames() []string {
	return []string{lang.L("Size and modification time"), lang.L("Checksum (MD5/CRC)"), lang.L("Size only")}
}

func (v *View) buildForm() fyne.CanvasObject {
	v.direction = widget.NewSelect(directionNames(), func(string) { v.directionChanged() })
	v.local = widget.NewEntry()
	v.local.SetPlaceHolder(lang.L("local folder"))
	v.localBtn = widget.NewButton(lang.L("Choose…"), v.chooseFolder)
	v.src, v.dst = v.newSide(lang.L("From")), v.newSide(lang.L("To"))
	v.compare = widget.NewSelect(compareNames(), nil)
	v.compare.SetSelectedIndex(0)
	v.mirror = widget.NewCheck(lang.L("Mirror: also delete what the source no longer has"), func(bool) { v.invalidate() })
	v.filters = widget.NewEntry()
	v.filters.SetPlaceHolder(lang.L("Exclude, e.g. *.tmp .git/ build/*.o"))
	profiles := []string{}
	if v.deps.Profiles != nil {
		profiles = v.deps.Profiles()
	}
	for _, s := range []*side{v.src, v.dst} {
		s.profile.Options = profiles
		s.profile.SetSelected(v.deps.Current)
	}
	v.localRow = container.NewBorder(nil, nil, widget.NewLabel(lang.L("Folder")), v.localBtn, v.local)
	v.direction.SetSelectedIndex(0)
	return container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Direction")), nil, v.direction),
		v.src.box, v.localRow, v.dst.box,
		container.NewGridWithColumns(2, v.compare, v.mirror),
		v.filters)
}

// directionChanged shows the fields the direction uses.
func (v *View) directionChanged() {
	d := ssync.Direction(v.direction.SelectedIndex())
	show := func(o fyne.CanvasObject, on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	show(v.src.box, d != ssync.LocalToRemote)
	show(v.dst.box, d != ssync.RemoteToLocal)
	show(v.localRow, d != ssync.RemoteToRemote)
	// The local folder sits on the side it is on.
	v.invalidate()
}

func (v *View) chooseFolder() {
	done := func(p string) {
		if p != "" {
			v.local.SetText(p)
			v.invalidate()
		}
	}
	if v.deps.PickFolder != nil {
		v.deps.PickFolder(done)
		return
	}
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			done(u.Path())
		}
	}, v.win)
}

// loadBuckets fills a side's bucket choices from its profile.
func (v *View) loadBuckets(s *side) {
	name := s.profile.Selected
	ctx := v.ctx
	v.deps.Jobs.Go(func() {
		c, err := v.conn(ctx, name)
		if err != nil {
			return
		}
		bs, err := c.Buckets(ctx)
		if err != nil {
			return
		}
		names := make([]string, len(bs))
		for i, b := range bs {
			names[i] = b.Name
		}
		v.deps.Jobs.Do(func() {
			if s.profile.Selected == name {
				s.bucket.SetOptions(names)
			}
		})
	})
}

// conn is a profile's account, connected once per window (any goroutine).
func (v *View) conn(ctx context.Context, profile string) (Conn, error) {
	v.mu.Lock()
	c, ok := v.conns[profile]
	v.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := v.deps.Connect(ctx, profile)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.conns[profile] = c
	v.mu.Unlock()
	return c, nil
}

// request is what the form asks for, read on the UI goroutine.
type request struct {
	o                    ssync.Options
	srcProfile, dstProf  string
	srcBucket, srcPrefix string
	dstBucket, dstPrefix string
}

func (v *View) request() request {
	r := request{o: ssync.Options{Direction: ssync.Direction(v.direction.SelectedIndex()), Local: strings.TrimSpace(v.local.Text),
		Compare: ssync.Compare(max(v.compare.SelectedIndex(), 0)), Mirror: v.mirror.Checked, Filters: strings.FieldsFunc(v.filters.Text,
			func(r rune) bool { return r == ' ' || r == ',' })},
		srcProfile: v.src.profile.Selected, dstProf: v.dst.profile.Selected,
		srcBucket: strings.TrimSpace(v.src.bucket.Text), srcPrefix: v.src.prefix.Text,
		dstBucket: strings.TrimSpace(v.dst.bucket.Text), dstPrefix: v.dst.prefix.Text}
	if r.o.Direction == ssync.LocalToRemote {
		r.srcProfile = ""
	}
	if r.o.Direction == ssync.RemoteToLocal {
		r.dstProf = ""
	}
	return r
}

// resolve connects the request's accounts (background).
func (v *View) resolve(ctx context.Context, r request) (ssync.Options, error) {
	o := r.o
	if r.srcProfile != "" {
		c, err := v.conn(ctx, r.srcProfile)
		if err != nil {
			return o, err
		}
		o.Src = c.Remote(r.srcBucket, r.srcPrefix)
	}
	if r.dstProf != "" {
		c, err := v.conn(ctx, r.dstProf)
		if err != nil {
			return o, err
		}
		o.Dst = c.Remote(r.dstBucket, r.dstPrefix)
	}
	return o, nil
}

// pair is the form as a saved pair.
func (v *View) pair() ssync.Pair {
	r := v.request()
	return ssync.Pair{ID: v.pairID, Direction: r.o.Direction, Local: r.o.Local, SrcProfile: r.srcProfile, SrcBucket: r.srcBucket,
		SrcPrefix: r.srcPrefix, DstProfile: r.dstProf, DstBucket: r.dstBucket, DstPrefix: r.dstPrefix,
		Compare: r.o.Compare, Mirror: r.o.Mirror, Filters: r.o.Filters}
}

// setPair fills the form from a saved pair.
func (v *View) setPair(p ssync.Pair) {
	v.pairID = p.ID
	v.direction.SetSelectedIndex(int(p.Direction))
	v.local.SetText(p.Local)
	if p.SrcProfile != "" {
		v.src.profile.SetSelected(p.SrcProfile)
	}
	v.src.bucket.SetText(p.SrcBucket)
	v.src.prefix.SetText(p.SrcPrefix)
	if p.DstProfile != "" {
		v.dst.profile.SetSelected(p.DstProfile)
	}
	v.dst.bucket.SetText(p.DstBucket)
	v.dst.prefix.SetText(p.DstPrefix)
	v.compare.SetSelectedIndex(int(p.Compare))
	v.mirror.SetChecked(p.Mirror)
	v.filters.SetText(strings.Join(p.Filters, " "))
	v.invalidate()
}
