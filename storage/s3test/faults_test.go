package s3test_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage/s3test"
)

// The fault proxy does what each fault says, and nothing when no rule
// applies; the storage suites rely on it.
func TestFaultProxy(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	body := bytes.Repeat([]byte("0123456789"), 1000)
	if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	f := s3test.NewFaults(t, srv)
	c := f.Server().Client(t)
	get := func() ([]byte, error) {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k")},
			func(o *s3.Options) { o.RetryMaxAttempts = 1 })
		if err != nil {
			return nil, err
		}
		defer out.Body.Close()
		return io.ReadAll(out.Body)
	}
	if got, err := get(); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("pass-through: %v, %d bytes", err, len(got))
	}

	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.SlowDown()})
	if _, err := get(); err == nil || !strings.Contains(err.Error(), "SlowDown") {
		t.Fatalf("SlowDown: got %v", err)
	}
	f.Clear()

	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.FlipByte(5)})
	got, err := get()
	if err != nil || len(got) != len(body) || got[5] != body[5]^0xff || !bytes.Equal(got[6:], body[6:]) {
		t.Fatalf("flip: %v; byte 5 = %q", err, got[5:6])
	}
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.CutBody(100)})
	if got, err := get(); err == nil {
		t.Fatalf("cut: got %d bytes and no error", len(got))
	}
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.ResetConn()})
	if _, err := get(); err == nil {
		t.Fatal("reset: no error")
	}
	if got, err := get(); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("after Times ran out: %v", err)
	}
	if f.Hit("GetObject") != 4 || f.Seen("GetObject") != 6 {
		t.Fatalf("counts: hit %d seen %d", f.Hit("GetObject"), f.Seen("GetObject"))
	}

	// Listing tokens.
	for i := 0; i < 3; i++ {
		if _, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("l/" + string(rune('a'+i)))}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(tok *string) (*s3.ListObjectsV2Output, error) {
		return c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String("l/"), MaxKeys: aws.Int32(1), ContinuationToken: tok})
	}
	f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Fault: s3test.Fault{RepeatToken: true}})
	p1, err := list(nil)
	if err != nil || !aws.ToBool(p1.IsTruncated) {
		t.Fatalf("repeat, page 1: %v", err)
	}
	p2, err := list(p1.NextContinuationToken)
	if err != nil || p1.NextContinuationToken == nil || aws.ToString(p2.NextContinuationToken) != aws.ToString(p1.NextContinuationToken) {
		t.Fatalf("repeat: page 2 token %q, page 1 %q (%v)", aws.ToString(p2.NextContinuationToken), aws.ToString(p1.NextContinuationToken), err)
	}
	f.Clear()
	f.Add(s3test.Rule{Match: s3test.Op("ListObjectsV2"), Fault: s3test.Fault{DropToken: true}})
	p1, err = list(nil)
	if err != nil || !aws.ToBool(p1.IsTruncated) || p1.NextContinuationToken != nil {
		t.Fatalf("drop: truncated %v token %v (%v)", aws.ToBool(p1.IsTruncated), p1.NextContinuationToken, err)
	}
}
