package storage_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// tagsOn says which servers here keep object tags: versitygw, MinIO and rclone
// must; the others must say plainly that they do not.
func tagsOn(srv *s3test.Server) bool {
	return srv.Kind == s3test.Versity || srv.Kind == s3test.MinIO || srv.Kind == s3test.Rclone
}

func TestObjectTagsRoundTrip(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		b := srv.Bucket(t)
		ref := storage.ObjectRef{Bucket: b, Key: "dir/tagged +#1 zoë.txt"}
		if err := svc.Put(ctx, b, ref.Key, strings.NewReader("hello"), 5, storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
		tags := map[string]string{"project": "s3 desk", "empty": "", "a+b": "c=d e:f/g@h"}
		err := svc.PutObjectTags(ctx, ref, tags)
		if !tagsOn(srv) {
			t.Logf("%s: %v", srv.Kind, err)
			if err != nil {
				if !errors.Is(err, storage.ErrNotImplemented) || !strings.Contains(err.Error(), "does not implement object tags") {
					t.Fatalf("a server without tags must say so plainly, got %v", err)
				}
				return
			}
		} else if err != nil {
			t.Fatal(err)
		}
		got, err := svc.ObjectTags(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, tags) {
			t.Fatalf("tags read back %v, want %v", got, tags)
		}
		// Accented letters: S3 and versitygw keep them; MinIO refuses them,
		// and says so.
		err = svc.PutObjectTags(ctx, ref, map[string]string{"owner": "zoë"})
		if srv.Kind == s3test.MinIO {
			if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "refused these tags") {
				t.Errorf("MinIO refusing a tag: %v", err)
			}
		} else if err != nil {
			t.Fatal(err)
		} else if got, _ := svc.ObjectTags(ctx, ref); got["owner"] != "zoë" {
			t.Errorf("unicode tag read back %v", got)
		}
		// Replace, not merge.
		if err := svc.PutObjectTags(ctx, ref, map[string]string{"only": "one"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.ObjectTags(ctx, ref); !maps.Equal(got, map[string]string{"only": "one"}) {
			t.Fatalf("after replace: %v", got)
		}
		if err := svc.DeleteObjectTags(ctx, ref); err != nil {
			t.Fatal(err)
		}
		got, err = svc.ObjectTags(ctx, ref)
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("after delete: %v, %v", got, err)
		}
		if _, err := svc.ObjectTags(ctx, storage.ObjectRef{Bucket: b, Key: "missing"}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("tags of a missing object: %v", err)
		}
	})
}

func TestValidateTags(t *testing.T) {
	many := map[string]string{}
	for i := range 11 {
		many[string(rune('a'+i))] = "v"
	}
	for name, c := range map[string]struct {
		tags map[string]string
		want string // "" valid
	}{
		"none":        {map[string]string{}, ""},
		"ten":         {func() map[string]string { m := maps.Clone(many); delete(m, "a"); return m }(), ""},
		"eleven":      {many, "at most 10 tags, not 11"},
		"empty key":   {map[string]string{"": "v"}, "needs a key"},
		"key 128":     {map[string]string{strings.Repeat("é", 128): "v"}, ""},
		"key 129":     {map[string]string{strings.Repeat("k", 129): "v"}, "129 characters; keys can have at most 128"},
		"value 256":   {map[string]string{"k": strings.Repeat("ü", 256)}, ""},
		"value 257":   {map[string]string{"k": strings.Repeat("v", 257)}, "257 characters; values can have at most 256"},
		"aws prefix":  {map[string]string{"aws:x": "v"}, "reserves"},
		"ampersand":   {map[string]string{"k": "a&b"}, `contains '&'`},
		"key symbols": {map[string]string{"a/b:c@d+e=f.g_h-i j": "v"}, ""},
	} {
		err := storage.ValidateTags(c.tags)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", name, err)
		case c.want != "" && (err == nil || !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
}
