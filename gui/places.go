package gui

import (
	"context"
	"encoding/json"

	"fyne.io/fyne/v2/lang"

	"s3desk/gui/widgets"
	"s3desk/storage/profiles"
)

// Where a connection starts: the place a bookmark of another profile
// asked for, else (at the window's first connection) the last place of
// that profile, else the profile's default bucket and folder. And buckets
// opened by name, for accounts that may not list their buckets.

// place is a profile, bucket and folder.
type place struct {
	Profile string `json:"profile"`
	Bucket  string `json:"bucket"`
	Prefix  string `json:"prefix,omitempty"`
}

// navState is the main window's memory of places across connections.
type navState struct {
	pending *place // opened when its profile has connected (a bookmark's)
	started bool   // the window has connected once: the last place was offered
}

// startPlan is what connect opens once connected.
type startPlan struct {
	open  place    // Bucket "" opens nothing
	known []string // the buckets the profile opened by name, and its default bucket
	last  bool     // open came from the last place (used only when no bookmark asked)
}

// profileReader reads a saved profile's plain fields (*profiles.Store).
type profileReader interface {
	Get(ctx context.Context, name string) (profiles.Profile, error)
}

// bucketMemory keeps the buckets opened by name (*profiles.Store).
type bucketMemory interface {
	RememberBucket(ctx context.Context, name, bucket string) error
	ForgetBucket(ctx context.Context, name, bucket string) error
}

// lastPlaceKey is the preference that holds a profile's last place.
func lastPlaceKey(profile string) string { return "place.last." + profile }

// planStart decides, on the UI goroutine, where connecting to name starts
// (the profile's default is filled in by resolve).
func (mw *MainWindow) planStart(name string) startPlan {
	var plan startPlan
	if p := mw.nav.pending; p != nil && p.Profile == name {
		plan.open = *p
	} else if !mw.nav.started {
		var last place
		if s := mw.app.Preferences().String(lastPlaceKey(name)); s != "" && json.Unmarshal([]byte(s), &last) == nil && last.Bucket != "" {
			plan.open, plan.last = last, true
		}
	}
	mw.nav.pending = nil
	mw.nav.started = true
	return plan
}

// resolve reads the profile's default place and its buckets opened by
// name (off the UI goroutine).
func (plan *startPlan) resolve(ctx context.Context, store any, name string) {
	r, ok := store.(profileReader)
	if !ok || name == profiles.SandboxName {
		return
	}
	p, err := r.Get(ctx, name)
	if err != nil {
		return
	}
	plan.known = append(plan.known, p.OpenedBuckets...)
	if p.DefaultBucket != "" {
		plan.known = append(plan.known, p.DefaultBucket)
		if plan.open.Bucket == "" {
			plan.open = place{Profile: name, Bucket: p.DefaultBucket, Prefix: p.DefaultPrefix}
		}
	}
}

// openStart opens the plan's place in the connected window.
func (mw *MainWindow) openStart(plan startPlan) {
	mw.buckets.SetKnown(plan.known)
	if plan.open.Bucket == "" {
		return
	}
	mw.buckets.Opened(plan.open.Bucket)
	mw.objects.Open(plan.open.Bucket, plan.open.Prefix)
}

// rememberPlace keeps the connected profile's current place, reopened at
// the next start.
func (mw *MainWindow) rememberPlace(bucket, prefix string) {
	if mw.profile == "" || bucket == "" || mw.svc == nil {
		return
	}
	b, err := json.Marshal(place{Profile: mw.profile, Bucket: bucket, Prefix: prefix})
	if err == nil {
		mw.app.Preferences().SetString(lastPlaceKey(mw.profile), string(b))
	}
}

// openByName opens a bucket typed by name (the account may not list its
// buckets) and remembers it in the profile.
func (mw *MainWindow) openByName(bucket, prefix string) {
	if mw.svc == nil {
		return
	}
	mw.objects.Open(bucket, prefix)
	mem, ok := mw.deps.Profiles.(bucketMemory)
	if !ok || mw.profile == profiles.SandboxName {
		return
	}
	name, ctx := mw.profile, mw.jobs.Ctx()
	mw.jobs.Go(func() {
		if err := mem.RememberBucket(ctx, name, bucket); err != nil {
			mw.jobs.Do(func() {
				mw.status.Say(lang.L("Could not remember the bucket in the profile: ") + widgets.ErrorText(err))
			})
		}
	})
}

// forgetBucket drops a bucket opened by name from the profile.
func (mw *MainWindow) forgetBucket(bucket string) {
	mem, ok := mw.deps.Profiles.(bucketMemory)
	if !ok {
		return
	}
	name, ctx := mw.profile, mw.jobs.Ctx()
	mw.jobs.Go(func() {
		if err := mem.ForgetBucket(ctx, name, bucket); err != nil {
			mw.jobs.Do(func() { mw.status.Say(widgets.ErrorText(err)) })
		}
	})
}
