package sync

import (
	"context"
	"iter"
	"strings"

	"s3desk/storage"
)

// Plan compares the two sides and yields one row per path, as the two
// listings arrive: both are read in key order and merged, so that memory
// holds no more than the folder being walked and the page being read, and
// the first rows come before either listing ends. Paths only in the
// destination are rows only with Mirror (Delete). Nothing is changed.
//
// A listing that fails ends the plan with the error (the rows so far are
// not a complete plan: Apply must not run on them).
func Plan(ctx context.Context, o Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		f, err := newFilter(o.Filters)
		if err == nil {
			err = o.check()
		}
		if err != nil {
			yield(Row{}, err)
			return
		}
		c := &comparer{o: o}
		var src, dst iter.Seq2[entry, error]
		switch o.Direction {
		case LocalToRemote:
			src, dst = walkLocal(ctx, o.Local, f), listRemote(ctx, o.Dst, f, false)
		case RemoteToLocal:
			src, dst = listRemote(ctx, o.Src, f, true), walkLocal(ctx, o.Local, f)
		default:
			src, dst = listRemote(ctx, o.Src, f, false), listRemote(ctx, o.Dst, f, false)
		}
		nextS, stopS := iter.Pull2(src)
		defer stopS()
		nextD, stopD := iter.Pull2(dst)
		defer stopD()
		s, errS, okS := nextS()
		d, errD, okD := nextD()
		protect := "" // a skipped source folder: its destination files stay
		for okS || okD {
			if errS != nil || errD != nil {
				err := errS
				if err == nil {
					err = errD
				}
				yield(Row{}, err)
				return
			}
			var r Row
			var err error
			switch {
			case okS && (!okD || s.rel < d.rel):
				r = sourceOnly(s)
				if s.skip != "" && strings.HasSuffix(s.rel, "/") {
					protect = s.rel
				}
				s, errS, okS = nextS()
			case !okS || d.rel < s.rel:
				var ok bool
				r, ok = destOnly(d, o.Mirror, protect)
				d, errD, okD = nextD()
				if !ok {
					continue
				}
			default:
				r, err = c.both(ctx, s, d)
				s, errS, okS = nextS()
				d, errD, okD = nextD()
			}
			if err != nil {
				yield(Row{}, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (o Options) check() error {
	bad := func(msg string) error {
		return &storage.Error{Op: "sync", Kind: storage.ErrInvalidArgument, Msg: "sync: " + msg}
	}
	needLocal := o.Direction == LocalToRemote || o.Direction == RemoteToLocal
	if needLocal && o.Local == "" {
		return bad("choose a local folder")
	}
	if o.Direction != RemoteToLocal && (o.Dst.Service == nil || o.Dst.Bucket == "") {
		return bad("choose the destination bucket")
	}
	if o.Direction != LocalToRemote && (o.Src.Service == nil || o.Src.Bucket == "") {
		return bad("choose the source bucket")
	}
	if o.Direction == RemoteToRemote && o.Src.Service == o.Dst.Service && o.Src.Bucket == o.Dst.Bucket {
		a, b := normPrefix(o.Src.Prefix), normPrefix(o.Dst.Prefix)
		if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
			return bad("the source and destination folders overlap; choose folders that are not inside each other")
		}
	}
	return nil
}

func sourceOnly(s entry) Row {
	r := Row{Rel: s.rel, Size: s.size, ModTime: s.mod, ETag: s.etag}
	if s.skip != "" {
		r.Action, r.Reason = Skip, "skipped: "+s.skip
		return r
	}
	r.Action, r.Reason = New, "new"
	return r
}

// destOnly is the row of a path only the destination has; ok is false when
// there is none (no mirror).
func destOnly(d entry, mirror bool, protect string) (Row, bool) {
	r := Row{Rel: d.rel, DstSize: d.size, Size: d.size, InDst: true, ModTime: d.mod}
	switch {
	case !mirror:
		return r, false
	case protect != "" && strings.HasPrefix(d.rel, protect):
		r.Action, r.Reason = Skip, "skipped: below a folder the source skipped; kept"
	case d.skip != "":
		r.Action, r.Reason = Skip, "skipped: "+d.skip
	default:
		r.Action, r.Reason = Delete, "only in the destination"
	}
	return r, true
}
