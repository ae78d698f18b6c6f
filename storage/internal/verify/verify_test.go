package verify

import (
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestMD5ETag(t *testing.T) {
	plain := `"9e107d9d372bb6826bd81d3542a419d6"`
	if m, ok := MD5ETag(plain, "", nil); !ok || m != "9e107d9d372bb6826bd81d3542a419d6" {
		t.Errorf("plain ETag: %q %v", m, ok)
	}
	if _, ok := MD5ETag(plain, s3types.ServerSideEncryptionAes256, nil); !ok {
		t.Error("SSE-S3 keeps the MD5 ETag")
	}
	for name, c := range map[string]struct {
		etag string
		sse  s3types.ServerSideEncryption
		ssec *string
	}{
		"multipart": {`"9e107d9d372bb6826bd81d3542a419d6-3"`, "", nil},
		"SSE-KMS":   {plain, s3types.ServerSideEncryptionAwsKms, nil},
		"DSSE-KMS":  {plain, s3types.ServerSideEncryptionAwsKmsDsse, nil},
		"SSE-C":     {plain, "", aws.String("AES256")},
		"not hex":   {`"zz107d9d372bb6826bd81d3542a419d6"`, "", nil},
		"empty":     {"", "", nil},
	} {
		if _, ok := MD5ETag(c.etag, c.sse, c.ssec); ok {
			t.Errorf("%s: taken as an MD5", name)
		}
	}
}

func TestSDKChecked(t *testing.T) {
	if a := (Sums{"CRC32": "abc=", "CRC64NVME": "x="}).SDKChecked(); a != "CRC32" {
		t.Errorf("got %q; the SDK checks the last of its list that is present", a)
	}
	if a := (Sums{"CRC32": "abc=-3"}).SDKChecked(); a != "" {
		t.Errorf("a composite checksum is not checked by the SDK, got %q", a)
	}
}

func TestPlanLargeCheck(t *testing.T) {
	c := PlanLargeCheck(&s3.HeadObjectOutput{ChecksumCRC32: aws.String("TIKEFA==-3")})
	if c.Alg != "CRC32" || !c.Composite || c.NParts != 3 || c.Want != "TIKEFA==" {
		t.Errorf("composite: %+v", c)
	}
	c = PlanLargeCheck(&s3.HeadObjectOutput{ChecksumCRC64NVME: aws.String("AAAAAAAAAAA="), ChecksumType: s3types.ChecksumTypeFullObject})
	if c.Alg != "CRC64NVME" || c.Composite || !c.Whole {
		t.Errorf("full object: %+v", c)
	}
	c = PlanLargeCheck(&s3.HeadObjectOutput{ETag: aws.String(`"9e107d9d372bb6826bd81d3542a419d6"`)})
	if c.Alg != "MD5" {
		t.Errorf("MD5 ETag: %+v", c)
	}
	if c = PlanLargeCheck(&s3.HeadObjectOutput{ETag: aws.String(`"9e107d9d372bb6826bd81d3542a419d6-2"`)}); c.Alg != "" {
		t.Errorf("multipart ETag without checksum: %+v", c)
	}
}

// Extents count each byte once however often and in whatever order ranges
// are written.
func TestExtents(t *testing.T) {
	const size = 1 << 16
	var x Extents
	var ref [size]bool
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		off := r.Int64N(size)
		n := r.Int64N(size/64) + 1
		if off+n > size {
			n = size - off
		}
		got := x.Add(off, n)
		for j := off; j < off+n; j++ {
			ref[j] = true
		}
		want := int64(0)
		for _, b := range ref {
			if b {
				want++
			}
		}
		if got != want {
			t.Fatalf("after write %d [%d,+%d): %d covered, want %d", i, off, n, got, want)
		}
		if want == size {
			break
		}
	}
	x.Add(0, size)
	if !x.Covers(size) || x.Covers(size-1) || len(x.iv) != 1 {
		t.Errorf("covers: n=%d end=%d", x.n, x.end)
	}
	var y Extents
	y.Add(0, 10)
	y.Add(0, 10) // a retried write
	y.Add(10, 5)
	if y.Written() != 15 || !y.Covers(15) || len(y.iv) != 1 {
		t.Errorf("retried range: n=%d ranges %v", y.n, y.iv)
	}
}
