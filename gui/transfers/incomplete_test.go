package transfers

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/gui/internal/guitest"
	"s3desk/storage/s3test"
)

func TestIncompleteUploadsViewAborts(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	c := srv.Client(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: aws.String("half.bin")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("half.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader(strings.Repeat("x", 5<<20))})
	if err != nil {
		t.Fatal(err)
	}
	h := newPanelHarness(t)
	h.p.Connect(t.Context(), enginesOf(srv.Service(t)), t.TempDir())
	h.j.Wait()
	var v *IncompleteView
	h.j.Do(func() {
		v = NewIncompleteView(t.Context(), h.w, h.p.deps, h.p.incomplete, bucket)
		v.Show()
	})
	h.j.Wait()
	if len(v.uploads) != 1 || v.uploads[0].Size != 5<<20 || !strings.HasPrefix(v.status.Text, "1 incomplete upload holds 5.0 MiB") {
		t.Fatalf("view: %q %+v", v.status.Text, v.uploads)
	}
	var aborts []*widget.Button
	h.j.Do(func() {
		aborts = guitest.FindButtons(h.w.Canvas().Overlays().Top(), func(b *widget.Button) bool { return b.Text == "Abort" })
	})
	if len(aborts) != 1 {
		t.Fatalf("Abort buttons: %d", len(aborts))
	}
	test.Tap(aborts[0])
	var yes []*widget.Button
	h.j.Do(func() {
		yes = guitest.FindButtons(h.w.Canvas().Overlays().Top(), func(b *widget.Button) bool { return b.Text == "Yes" })
	})
	if len(yes) != 1 {
		t.Fatalf("confirm buttons: %d", len(yes))
	}
	test.Tap(yes[0])
	h.j.Wait()
	h.j.Wait()
	out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil || len(out.Uploads) != 0 {
		t.Fatalf("after abort: %v %d uploads", err, len(out.Uploads))
	}
	if !strings.HasPrefix(v.status.Text, "No incomplete uploads") {
		t.Fatalf("status %q", v.status.Text)
	}
}
