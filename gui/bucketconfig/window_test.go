package bucketconfig

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/async"
	"s3desk/storage"
	bc "s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
)

type harness struct {
	t   *testing.T
	app fyne.App
	j   *async.Jobs
	srv *s3test.Server
	w   *Window
}

// open opens the settings window of bucket on srv and waits for every tab.
func open(t *testing.T, srv *s3test.Server, bucket string) *harness {
	t.Helper()
	h := &harness{t: t, app: test.NewTempApp(t), j: async.New(t.Context()), srv: srv}
	h.j.Do(func() { h.w = Open(t.Context(), h.app, h.j, bc.New(srv.Service(t)), bucket) })
	h.j.Wait()
	t.Cleanup(func() { h.j.Do(h.w.Close); h.j.Wait() })
	return h
}

// do runs fn as the UI would, then waits for what it started.
func (h *harness) do(fn func()) {
	h.j.Do(fn)
	h.j.Wait()
}

func (h *harness) client() *s3.Client { return h.srv.Client(h.t) }

func wantStatus(t *testing.T, tab, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Fatalf("%s tab says %q, want %q", tab, got, want)
	}
}

// versitygw implements versioning (with its versioning dir), CORS, policy,
// tags, website and object lock; not lifecycle or encryption.
func TestSettingsWindowVersity(t *testing.T) {
	srv := s3test.StartVersityVersioned(t)
	b := srv.Bucket(t)
	h := open(t, srv, b)
	w := h.w
	ctx := context.Background()

	// Every tab loaded, or says plainly that the server lacks it.
	for name, s := range map[string]*section{"versioning": w.Versioning.section, "CORS": w.CORS.section, "policy": w.Policy.section,
		"tags": w.Tags.section, "object lock": w.ObjectLock.section, "website": w.Website.section} {
		if !s.Loaded || !s.Supported || !s.form.Visible() || s.save.Disabled() && name != "object lock" {
			t.Errorf("%s: loaded %v supported %v, status %q", name, s.Loaded, s.Supported, s.Status())
		}
	}
	wantStatus(t, "lifecycle", w.Lifecycle.Status(), "Not supported: read the lifecycle rules: this server does not implement lifecycle rules")
	wantStatus(t, "encryption", w.Encryption.Status(), "Not supported: read the default encryption: this server does not implement default encryption")
	if w.Lifecycle.form.Visible() || !w.Lifecycle.save.Disabled() || w.Encryption.form.Visible() || !w.Encryption.save.Disabled() {
		t.Fatal("an unsupported tab still offers its controls")
	}
	if w.Versioning.Chosen() != bc.Unversioned || !strings.Contains(w.Versioning.meaning.Text, "never enabled") {
		t.Fatalf("versioning: %q %q", w.Versioning.Chosen(), w.Versioning.meaning.Text)
	}
	if !strings.Contains(w.Policy.Result(), "no policy") || len(w.Tags.Edited()) != 0 || len(w.CORS.Rules()) != 0 {
		t.Fatalf("fresh bucket: policy %q tags %v cors %v", w.Policy.Result(), w.Tags.Edited(), w.CORS.Rules())
	}
	if !strings.Contains(w.ObjectLock.none.Text, "created without object lock") || w.ObjectLock.box.Visible() || !w.ObjectLock.save.Disabled() {
		t.Fatalf("object lock: %q", w.ObjectLock.none.Text)
	}

	// Versioning: enable, and Cancel puts back what was loaded.
	h.do(func() { w.Versioning.Choose(bc.Suspended); w.Versioning.Cancel() })
	if w.Versioning.Chosen() != bc.Unversioned {
		t.Fatalf("cancel: %q", w.Versioning.Chosen())
	}
	h.do(func() { w.Versioning.Choose(bc.Enabled); w.Versioning.Save() })
	wantStatus(t, "versioning", w.Versioning.Status(), "Saved.")
	if v, _ := h.client().GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)}); v.Status != "Enabled" {
		t.Fatalf("server versioning %q", v.Status)
	}

	// CORS: the preset, saved.
	h.do(func() { w.CORS.AddPreset(); w.CORS.Save() })
	wantStatus(t, "CORS", w.CORS.Status(), "Saved.")
	cors, err := h.client().GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(b)})
	if err != nil || len(cors.CORSRules) != 1 || cors.CORSRules[0].AllowedOrigins[0] != "*" {
		t.Fatalf("server CORS %+v %v", cors, err)
	}

	// Tags: two rows; a bad one is refused before any request.
	h.do(func() { w.Tags.AddRow("team", "web"); w.Tags.AddRow("aws:x", "1"); w.Tags.Save() })
	wantStatus(t, "tags", w.Tags.Status(), `Not saved: the tag key "aws:x" begins with "aws:"`)
	h.do(func() { k, _ := w.Tags.Row(1); k.SetText("env"); w.Tags.Save() })
	wantStatus(t, "tags", w.Tags.Status(), "Saved.")
	tags, err := h.client().GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(b)})
	if err != nil || len(tags.TagSet) != 2 {
		t.Fatalf("server tags %+v %v", tags, err)
	}

	// Policy: a public statement, listed as anonymous once saved.
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b + `/*"}]}`
	h.do(func() { w.Policy.Editor.SetText(policy); w.Policy.Save() })
	wantStatus(t, "policy", w.Policy.Status(), "Saved.")
	if !strings.Contains(w.Policy.Anonymous(), "PublicRead: anyone may s3:GetObject") || !strings.HasPrefix(w.Policy.Editor.Text, "{\n  \"Version\"") {
		t.Fatalf("after save: %q\n%s", w.Policy.Anonymous(), w.Policy.Editor.Text)
	}
	if _, err := h.client().GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b)}); err != nil {
		t.Fatalf("server policy: %v", err)
	}

	// Website: on, with its address (versitygw has no website endpoint, so
	// the index page's object URL, and a note that says so).
	h.do(func() { w.Website.SetHosting(true, "index.html", "404.html"); w.Website.Save() })
	wantStatus(t, "website", w.Website.Status(), "Saved.")
	ws, err := h.client().GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(b)})
	if err != nil || aws.ToString(ws.IndexDocument.Suffix) != "index.html" || aws.ToString(ws.ErrorDocument.Key) != "404.html" {
		t.Fatalf("server website %+v %v", ws, err)
	}
	if w.Website.URL() != srv.Endpoint+"/"+b+"/index.html" || !strings.Contains(w.Website.Note(), "no known static-website endpoint") || w.Website.copyURL.Disabled() {
		t.Fatalf("address %q, note %q", w.Website.URL(), w.Website.Note())
	}
	h.do(w.Website.CopyURL)
	if got := h.app.Clipboard().Content(); got != w.Website.URL() {
		t.Fatalf("clipboard %q", got)
	}
	// And off again, after a confirmation.
	h.do(func() { w.Website.SetHosting(false, "", ""); w.Website.Save() })
	if _, err := h.client().GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(b)}); err != nil {
		t.Fatalf("turned off before the confirmation: %v", err)
	}
	h.do(func() { test.Tap(findButton(t, w.win.Canvas().Overlays().Top(), "Yes")) })
	if _, err := h.client().GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(b)}); err == nil {
		t.Fatal("website still on")
	}

	// Encryption: the controls are gone; the tab says why.
	if w.Encryption.Supported {
		t.Fatal("encryption claims support")
	}
}

// MinIO implements versioning, lifecycle, policy, tags and object lock; not
// CORS, website or (without a KMS) encryption.
func TestSettingsWindowMinIO(t *testing.T) {
	srv := s3test.StartMinIO(t)
	b := srv.Bucket(t)
	ctx := context.Background()
	locked := b + "-lock"
	if _, err := srv.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(locked), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	h := open(t, srv, b)
	w := h.w
	for name, s := range map[string]*section{"versioning": w.Versioning.section, "lifecycle": w.Lifecycle.section, "policy": w.Policy.section,
		"tags": w.Tags.section, "encryption": w.Encryption.section, "CORS": w.CORS.section, "website": w.Website.section} {
		// MinIO answers the reads of CORS, website and encryption with
		// "none set": the saves are what it refuses.
		if !s.Loaded || !s.Supported {
			t.Errorf("%s: loaded %v supported %v, status %q", name, s.Loaded, s.Supported, s.Status())
		}
	}

	// Lifecycle: add a rule and save; the one-click abort rule is refused in
	// words and leaves the rule in place.
	h.do(func() {
		if err := w.Lifecycle.SetRule(0, bc.LifecycleRule{ID: "logs", Enabled: true, Prefix: "logs/", ExpireDays: 30}); err != nil {
			t.Error(err)
		}
		w.Lifecycle.Save()
	})
	wantStatus(t, "lifecycle", w.Lifecycle.Status(), "Saved.")
	h.do(w.Lifecycle.AddAbortRule)
	wantStatus(t, "lifecycle", w.Lifecycle.Status(), "Not supported: save the lifecycle rules: this server does not implement the lifecycle action that aborts incomplete uploads")
	lc, err := h.client().GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
	if err != nil || len(lc.Rules) != 1 || aws.ToString(lc.Rules[0].ID) != "logs" {
		t.Fatalf("server rules %+v %v", lc, err)
	}
	if len(w.Lifecycle.Rules()) != 1 || !w.Lifecycle.form.Visible() {
		t.Fatalf("the tab lost the loaded rules: %+v", w.Lifecycle.Rules())
	}
	// With unsaved edits, the one-click rule joins them instead of
	// dropping them.
	h.do(func() {
		_ = w.Lifecycle.SetRule(1, bc.LifecycleRule{ID: "tmp", Enabled: true, Prefix: "tmp/", ExpireDays: 1})
		w.Lifecycle.AddAbortRule()
	})
	if r := w.Lifecycle.Rules(); len(r) != 3 || r[1].ID != "tmp" || r[2].ID != bc.AbortRuleID || r[2].AbortUploadsDays != AbortDays {
		t.Fatalf("rules %+v", r)
	}
	wantStatus(t, "lifecycle", w.Lifecycle.Status(), "Added to your unsaved changes")
	h.do(w.Lifecycle.Cancel)
	// An invalid rule is refused before any request.
	h.do(func() {
		if err := w.Lifecycle.SetRule(1, bc.LifecycleRule{ID: "nothing", Enabled: true}); err == nil || !strings.Contains(err.Error(), "does nothing") {
			t.Errorf("empty rule: %v", err)
		}
	})

	// The saves MinIO refuses say so plainly.
	h.do(func() { w.CORS.AddPreset(); w.CORS.Save() })
	wantStatus(t, "CORS", w.CORS.Status(), "Not supported: save the CORS rules: this server does not implement CORS rules")
	h.do(func() { w.Website.SetHosting(true, "index.html", ""); w.Website.Save() })
	wantStatus(t, "website", w.Website.Status(), "Not supported: save the website settings: this server does not implement static website hosting")
	h.do(func() { w.Encryption.Choose(bc.Encryption{Algorithm: bc.SSES3}); w.Encryption.Save() })
	wantStatus(t, "encryption", w.Encryption.Status(), "Not supported: save the default encryption: this server does not implement default encryption")

	// Versioning suspends.
	h.do(func() { w.Versioning.Choose(bc.Enabled); w.Versioning.Save() })
	h.do(func() { w.Versioning.Choose(bc.Suspended); w.Versioning.Save() })
	wantStatus(t, "versioning", w.Versioning.Status(), "Saved.")
	if v, _ := h.client().GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)}); v.Status != "Suspended" {
		t.Fatalf("server versioning %q", v.Status)
	}

	// Object lock: the locked bucket's default retention.
	h2 := open(t, srv, locked)
	lw := h2.w
	if !lw.ObjectLock.box.Visible() || lw.ObjectLock.save.Disabled() {
		t.Fatalf("locked bucket: %q", lw.ObjectLock.none.Text)
	}
	h2.do(func() { lw.ObjectLock.Choose(bc.ObjectLock{Mode: bc.Governance, Days: 2}); lw.ObjectLock.Save() })
	wantStatus(t, "object lock", lw.ObjectLock.Status(), "Saved.")
	ol, err := h2.client().GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(locked)})
	if err != nil || ol.ObjectLockConfiguration.Rule == nil || aws.ToInt32(ol.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 2 {
		t.Fatalf("server lock %+v %v", ol, err)
	}
}

func TestPolicyEditor(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	h := open(t, srv, b)
	p := h.w.Policy
	bad := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ }"
	h.do(func() { p.Editor.SetText(bad); p.Validate() })
	if p.Result() != "Not valid JSON at line 3, column 18: invalid character '}' looking for beginning of value" {
		t.Fatalf("result %q", p.Result())
	}
	if p.Editor.CursorRow != 2 || p.Editor.CursorColumn != 17 {
		t.Fatalf("cursor at %d:%d", p.Editor.CursorRow, p.Editor.CursorColumn)
	}
	// Save refuses it without a request: the server still has no policy.
	h.do(p.Save)
	wantStatus(t, "policy", p.Status(), "Not saved: the policy has a problem")
	if _, err := srv.Client(t).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(b)}); err == nil {
		t.Fatal("a bad policy reached the server")
	}
	// Format pretty-prints; Make public's statement is labelled as such.
	one := `{"Version":"2012-10-17","Statement":[{"Sid":"S3DeskPublic0123456789abcdef0123","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b + `/site/*"},{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"` + srv.AccessKey + `"},"Action":"s3:*","Resource":"arn:aws:s3:::` + b + `/*"}]}`
	h.do(func() { p.Editor.SetText(one); p.Format() })
	if !strings.HasPrefix(p.Editor.Text, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n") {
		t.Fatalf("formatted:\n%s", p.Editor.Text)
	}
	if p.Result() != "Valid: 2 statements." || !strings.Contains(p.Anonymous(), "Anyone without credentials (1 statement)") ||
		!strings.Contains(p.Anonymous(), "added by S3 Desk's Make public") || strings.Contains(p.Anonymous(), "Team") {
		t.Fatalf("result %q, anonymous %q", p.Result(), p.Anonymous())
	}
	// Blank text is not a save: removing asks first.
	h.do(func() { p.Editor.SetText("  "); p.Save() })
	wantStatus(t, "policy", p.Status(), "use Remove policy… to delete it")
	// Remove, after the confirmation, on a saved policy.
	h.do(func() { p.Editor.SetText(one); p.Save() })
	wantStatus(t, "policy", p.Status(), "Saved.")
	h.do(p.confirmRemove)
	h.do(func() { test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "Yes")) })
	wantStatus(t, "policy", p.Status(), "Saved.")
	if _, err := srv.Client(t).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(b)}); err == nil {
		t.Fatal("the policy is still there")
	}
	if !strings.Contains(p.Result(), "no policy") {
		t.Fatalf("after remove: %q", p.Result())
	}
}

// A server without bucket policies at all (rclone serve s3) answers the
// save, and the tab says so.
func TestNotSupportedTabsRclone(t *testing.T) {
	srv := s3test.StartRclone(t)
	b := srv.Bucket(t)
	h := open(t, srv, b)
	w := h.w
	h.do(func() { w.Tags.AddRow("a", "b"); w.Tags.Save() })
	wantStatus(t, "tags", w.Tags.Status(), "Not supported: save the bucket tags: this server does not implement bucket tags")
	h.do(func() { w.Versioning.Choose(bc.Enabled); w.Versioning.Save() })
	wantStatus(t, "versioning", w.Versioning.Status(), "Not supported: change the versioning setting: this server does not implement versioning")
}

// Cancel discards edits in every tab that edits a list.
func TestCancelRevertsEdits(t *testing.T) {
	srv := s3test.StartVersity(t)
	b := srv.Bucket(t)
	h := open(t, srv, b)
	w := h.w
	h.do(func() {
		w.CORS.AddPreset()
		w.Tags.AddRow("k", "v")
		w.Website.SetHosting(true, "home.html", "")
		w.CORS.Cancel()
		w.Tags.Cancel()
		w.Website.Cancel()
	})
	if len(w.CORS.Rules()) != 0 || len(w.Tags.Edited()) != 0 || w.Website.enabled.Checked {
		t.Fatalf("after cancel: %v %v %v", w.CORS.Rules(), w.Tags.Edited(), w.Website.enabled.Checked)
	}
	wantStatus(t, "tags", w.Tags.Status(), "Changes discarded.")
}

func TestEveryTabShowsNotSupported(t *testing.T) {
	srv := s3test.StartVersity(t)
	app := test.NewTempApp(t)
	j := async.New(t.Context())
	var w *Window
	j.Do(func() {
		w = Open(t.Context(), app, j, refuseAll{}, srv.Bucket(t))
		w.Win().Resize(fyne.NewSize(900, 600))
	})
	j.Wait()
	defer func() { j.Do(w.Close); j.Wait() }()
	for _, s := range w.sections() {
		if s.Supported || s.form.Visible() || !s.save.Disabled() || !strings.HasPrefix(s.Status(), "Not supported: this server does not implement") {
			t.Errorf("status %q supported %v", s.Status(), s.Supported)
		}
	}
}

type refuseAll struct{ SettingsStore }

func no() error {
	return &storage.Error{Op: "x", Kind: storage.ErrNotSupported, Msg: "this server does not implement it"}
}
func (refuseAll) Versioning(context.Context, string) (bc.Versioning, error) { return "", no() }
func (refuseAll) Lifecycle(context.Context, string) ([]bc.LifecycleRule, error) {
	return nil, no()
}
func (refuseAll) CORS(context.Context, string) ([]bc.CORSRule, error) { return nil, no() }
func (refuseAll) Policy(context.Context, string) (string, error)      { return "", no() }
func (refuseAll) Tags(context.Context, string) ([]bc.Tag, error)      { return nil, no() }
func (refuseAll) Encryption(context.Context, string) (bc.Encryption, error) {
	return bc.Encryption{}, no()
}
func (refuseAll) ObjectLock(context.Context, string) (bc.ObjectLock, error) {
	return bc.ObjectLock{}, no()
}
func (refuseAll) Website(context.Context, string) (storage.WebsiteConfig, error) {
	return storage.WebsiteConfig{}, no()
}

// The rule editor, driven as a user would: fields typed, OK tapped; a
// rule with a problem comes back with the problem shown and the input kept.
func TestLifecycleRuleEditor(t *testing.T) {
	srv := s3test.StartMinIO(t)
	b := srv.Bucket(t)
	h := open(t, srv, b)
	lt := h.w.Lifecycle
	h.do(func() { h.w.ShowTab("Lifecycle"); test.Tap(findButton(t, h.w.win.Content(), "Add rule…")) })
	ed := lt.editor
	if ed == nil {
		t.Fatal("no editor")
	}
	h.do(func() {
		ed.id.SetText("tmp")
		ed.prefix.SetText("tmp/")
		ed.tags.SetText("kind=scratch")
		ed.expire.SetText("abc")
		test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "OK"))
	})
	ed = lt.editor
	if ed == nil || ed.problem != `"abc" is not a number of days` || ed.prefix.Text != "tmp/" || len(lt.Rules()) != 0 {
		t.Fatalf("after a bad number: %+v, rules %v", ed, lt.Rules())
	}
	h.do(func() {
		ed.expire.SetText("3")
		ed.abort.SetText("2") // with a tag filter: refused
		test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "OK"))
	})
	ed = lt.editor
	if ed == nil || !strings.Contains(ed.problem, "cannot be combined with a tag filter") {
		t.Fatalf("abort with tags: %+v", ed)
	}
	h.do(func() {
		ed.abort.SetText("")
		test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "OK"))
	})
	if lt.editor != nil || len(lt.Rules()) != 1 {
		t.Fatalf("rule not added: %v", lt.Rules())
	}
	h.do(lt.Save)
	wantStatus(t, "lifecycle", lt.Status(), "Saved.")
	got := lt.Rules()
	if len(got) != 1 || got[0].ID != "tmp" || got[0].Prefix != "tmp/" || got[0].ExpireDays != 3 || len(got[0].Tags) != 1 || got[0].Tags[0] != (bc.Tag{Key: "kind", Value: "scratch"}) {
		t.Fatalf("read back %+v", got)
	}
	// Edit it (the pencil), then delete it (the bin), and save: no rules.
	h.do(func() { lt.ShowEditor(0) })
	h.do(func() {
		lt.editor.expire.SetText("10")
		test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "OK"))
	})
	if lt.Rules()[0].ExpireDays != 10 || lt.Rules()[0].Prefix != "tmp/" {
		t.Fatalf("edited %+v", lt.Rules())
	}
	h.do(func() { lt.Delete(0); lt.Save() })
	h.do(func() { test.Tap(findButton(t, h.w.win.Canvas().Overlays().Top(), "Yes")) })
	wantStatus(t, "lifecycle", lt.Status(), "Saved.")
	if _, err := srv.Client(t).GetBucketLifecycleConfiguration(context.Background(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)}); err == nil {
		t.Fatal("rules still on the server")
	}
}

// kmsStore is a store whose bucket has SSE-KMS (no server here implements
// default encryption): it records what the Encryption tab saves.
type kmsStore struct {
	refuseAll
	enc   bc.Encryption
	saved []bc.Encryption
}

func (k *kmsStore) Encryption(context.Context, string) (bc.Encryption, error) { return k.enc, nil }
func (k *kmsStore) PutEncryption(_ context.Context, _ string, e bc.Encryption) error {
	k.saved = append(k.saved, e)
	k.enc = e
	return nil
}

func TestEncryptionTabLoadsAndSaves(t *testing.T) {
	app := test.NewTempApp(t)
	j := async.New(t.Context())
	store := &kmsStore{enc: bc.Encryption{Algorithm: bc.SSEKMS, KMSKeyID: "alias/app", BucketKey: true}}
	var w *Window
	j.Do(func() { w = Open(t.Context(), app, j, store, "b") })
	j.Wait()
	defer func() { j.Do(w.Close); j.Wait() }()
	e := w.Encryption
	if !e.Loaded || e.choice.Selected != choiceSSEKMS || e.key.Text != "alias/app" || !e.bucketKey.Checked || e.key.Disabled() {
		t.Fatalf("loaded: %q %q %v", e.choice.Selected, e.key.Text, e.bucketKey.Checked)
	}
	// SSE-S3 greys out the KMS controls and saves no key.
	j.Do(func() { e.choice.SetSelected(choiceSSES3) })
	if !e.key.Disabled() || !e.bucketKey.Disabled() {
		t.Fatal("KMS controls enabled for SSE-S3")
	}
	j.Do(e.Save)
	j.Wait()
	wantStatus(t, "encryption", e.Status(), "Saved.")
	// A key with a space is refused before any request.
	j.Do(func() { e.choice.SetSelected(choiceSSEKMS); e.key.SetText("my key"); e.Save() })
	j.Wait()
	wantStatus(t, "encryption", e.Status(), "Not saved: the KMS key ID \"my key\" contains spaces")
	j.Do(func() {
		e.key.SetText(" arn:aws:kms:eu-west-1:123456789012:key/abc ")
		e.bucketKey.SetChecked(false)
		e.Save()
	})
	j.Wait()
	want := []bc.Encryption{{Algorithm: bc.SSES3}, {Algorithm: bc.SSEKMS, KMSKeyID: "arn:aws:kms:eu-west-1:123456789012:key/abc"}}
	if len(store.saved) != 2 || store.saved[0] != want[0] || store.saved[1] != want[1] {
		t.Fatalf("saved %+v", store.saved)
	}
}
