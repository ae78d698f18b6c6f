package storage

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// What a read is checked against, in one place for downloads and Open:
//
//   - A full-object checksum the server sends with a GET (any of CRC32,
//     CRC32C, CRC64NVME, SHA1, SHA256, SHA512) is checked by the SDK as the body
//     arrives; every GET asks for it (x-amz-checksum-mode: ENABLED), in
//     compatibility mode too. A part GET's checksum is that part's own
//     (MinIO sends one without x-amz-checksum-type): the SDK checks it
//     against the part's bytes, never against the whole file.
//   - Multipart downloads go part by part (the transfer manager GETs by
//     part number): each part is hashed as it arrives, and a composite
//     checksum ("...-N", from HeadObject) is recomputed from the parts; a
//     full-object one is computed over the finished file.
//   - Without a checksum, a single-part object's ETag is its MD5 unless it
//     is encrypted with SSE-KMS or SSE-C: MD5 is computed as bytes arrive.
//   - Otherwise only the size is checked, and the row says so.

// Verification notes shown in the transfers panel.
const verifiedSizeOnly = "size only: the server gave no checksum"

func verifiedBy(alg string) string { return alg + " verified" }

// sdkAlgorithms is the order in which the SDK looks for a response
// checksum (service/s3 GetObject): the last one present is the one checked.
var sdkAlgorithms = []string{"CRC64NVME", "CRC32", "CRC32C", "SHA256", "SHA1", "SHA512"}

// sums are the checksum headers of a response, by algorithm.
type sums map[string]string

func getSums(out *s3.GetObjectOutput) sums {
	return sumsOf(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumSHA512)
}

func sumsOf(crc32v, crc32c, crc64, sha1v, sha256v, sha512v *string) sums {
	s := sums{}
	for alg, v := range map[string]*string{"CRC32": crc32v, "CRC32C": crc32c, "CRC64NVME": crc64,
		"SHA1": sha1v, "SHA256": sha256v, "SHA512": sha512v} {
		if x := aws.ToString(v); x != "" {
			s[alg] = x
		}
	}
	return s
}

// sdkChecked is the algorithm the SDK validated a response body with, or
// "" when it validated nothing (no checksum, or a composite one).
func (s sums) sdkChecked() string {
	alg := ""
	for _, a := range sdkAlgorithms {
		if s[a] != "" {
			alg = a
		}
	}
	if alg == "" || strings.Contains(s[alg], "-") {
		return ""
	}
	return alg
}

// best is the checksum to verify a whole download with, preferring the
// cheapest to compute.
func (s sums) best() (string, string) {
	for _, a := range []string{"CRC64NVME", "CRC32C", "CRC32", "SHA1", "SHA256", "SHA512"} {
		if s[a] != "" {
			return a, s[a]
		}
	}
	return "", ""
}

var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func newHash(alg string) hash.Hash {
	switch alg {
	case "CRC32":
		return crc32.NewIEEE()
	case "CRC32C":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "CRC64NVME":
		return crc64.New(crc64NVMETable)
	case "SHA1":
		return sha1.New()
	case "SHA256":
		return sha256.New()
	case "SHA512":
		return sha512.New()
	case "MD5":
		return md5.New()
	}
	return nil
}

// md5ETag is the MD5 an object's ETag states, when it states one: a
// single-part object's ETag, unless SSE-KMS or SSE-C encrypted it.
func md5ETag(etag string, sse s3types.ServerSideEncryption, sseC *string) (string, bool) {
	e := strings.ToLower(strings.Trim(etag, `"`))
	if len(e) != 32 || aws.ToString(sseC) != "" {
		return "", false
	}
	if sse == s3types.ServerSideEncryptionAwsKms || sse == s3types.ServerSideEncryptionAwsKmsDsse {
		return "", false
	}
	if _, err := hex.DecodeString(e); err != nil {
		return "", false
	}
	return e, true
}

// checksumMismatch is a download whose bytes do not match the checksum the
// server gave for them.
type checksumMismatch struct{ alg, got, want, detail string }

func (m *checksumMismatch) Error() string {
	if m.detail != "" {
		return fmt.Sprintf("the %s checksum of the bytes received does not match the server's (%s)", m.alg, m.detail)
	}
	return fmt.Sprintf("the %s checksum of the bytes received does not match the server's (got %s, the server says %s)", m.alg, m.got, m.want)
}

// asMismatch turns the SDK's checksum validation failure into a
// checksumMismatch (the SDK's error type is internal).
func asMismatch(err error, alg string) error {
	var m *checksumMismatch
	if err == nil || errors.As(err, &m) {
		return err
	}
	if strings.Contains(err.Error(), "checksum did not match") {
		return &checksumMismatch{alg: alg, detail: err.Error()}
	}
	return err
}

// bodyError is an error met while reading a response body, after the
// SDK's retryer had let go of the request: the download retries it.
type bodyError struct{ err error }

func (b *bodyError) Error() string { return b.err.Error() }
func (b *bodyError) Unwrap() error { return b.err }

// hashingBody hashes a body as it is read and calls done with the digest
// at its end (and only there: a body cut short is never reported).
type hashingBody struct {
	io.ReadCloser
	h    hash.Hash
	n    int64
	done func(sum []byte, n int64)
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	if err == io.EOF && b.done != nil {
		b.done(b.h.Sum(nil), b.n)
		b.done = nil
	}
	return n, err
}

// partSums collects the digest of each part a multipart download got.
type partSums struct {
	alg   string
	mu    sync.Mutex
	parts map[int32][]byte
}

// dlClient is the transfer manager's client for one download: each GET's
// body is hashed per part number.
type dlClient struct {
	*tmClient
	ps *partSums // nil: nothing to hash

	mu      sync.Mutex
	started map[int32]bool // parts asked for: a second GET is a retry
}

func (c *dlClient) GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	part := aws.ToInt32(in.PartNumber)
	if in.PartNumber == nil {
		part = 1
	}
	c.mu.Lock()
	if c.started == nil {
		c.started = map[int32]bool{}
	}
	again := c.started[part]
	c.started[part] = true
	c.mu.Unlock()
	if again {
		addRetryCount(ctx) // the transfer manager GETs a broken part again
	}
	out, err := c.tmClient.GetObject(ctx, in, o...)
	if err != nil || c.ps == nil {
		return out, err
	}
	ps := c.ps
	out.Body = &hashingBody{ReadCloser: out.Body, h: newHash(ps.alg), done: func(sum []byte, _ int64) {
		ps.mu.Lock()
		ps.parts[part] = sum
		ps.mu.Unlock()
	}}
	return out, nil
}

// largeCheck is how a multipart download is verified, decided from one
// HeadObject before it starts.
type largeCheck struct {
	alg       string // hash computed per part ("" none)
	want      string // expected value, base64 (hex for MD5)
	composite bool   // want is a checksum of the part checksums
	nParts    int    // parts of a composite checksum ("-N"), 0 unknown
	whole     bool   // full-object checksum: verify the finished file
}

func planLargeCheck(h *s3.HeadObjectOutput) largeCheck {
	s := sumsOf(h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumCRC64NVME, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumSHA512)
	if alg, v := s.best(); alg != "" {
		c := largeCheck{alg: alg, want: v}
		if i := strings.LastIndexByte(v, '-'); i > 0 {
			c.want = v[:i]
			c.nParts, _ = strconv.Atoi(v[i+1:])
			c.composite = true
		} else if h.ChecksumType == s3types.ChecksumTypeComposite {
			c.composite = true
		} else {
			c.whole = true
		}
		return c
	}
	if m, ok := md5ETag(aws.ToString(h.ETag), h.ServerSideEncryption, h.SSECustomerAlgorithm); ok {
		return largeCheck{alg: "MD5", want: m, whole: true}
	}
	return largeCheck{}
}

// finish checks a finished multipart download: the part digests ps, the
// file f. It returns what was verified.
func (c largeCheck) finish(ps *partSums, f *os.File) (string, error) {
	if c.alg == "" {
		return verifiedSizeOnly, nil
	}
	ps.mu.Lock()
	nums := make([]int, 0, len(ps.parts))
	for n := range ps.parts {
		nums = append(nums, int(n))
	}
	ps.mu.Unlock()
	sort.Ints(nums)
	for i, n := range nums {
		if n != i+1 {
			return verifiedSizeOnly, nil // parts not numbered 1..N: nothing to compare
		}
	}
	enc := func(b []byte) string {
		if c.alg == "MD5" {
			return hex.EncodeToString(b)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	switch {
	case c.composite:
		if len(nums) < 2 || (c.nParts != 0 && c.nParts != len(nums)) {
			// The server answered part GETs with the whole object (or
			// different parts): the composite checksum says nothing here.
			return "size only: the server's multipart checksum does not match its parts", nil
		}
		h := newHash(c.alg)
		for _, n := range nums {
			h.Write(ps.parts[int32(n)])
		}
		if got := enc(h.Sum(nil)); got != c.want {
			return "", &checksumMismatch{alg: c.alg + " (of " + strconv.Itoa(len(nums)) + " parts)", got: got, want: c.want}
		}
		return fmt.Sprintf("%s verified (%d parts)", c.alg, len(nums)), nil
	case len(nums) == 1:
		if got := enc(ps.parts[1]); got != c.want {
			return "", &checksumMismatch{alg: c.alg, got: got, want: c.want}
		}
		return verifiedBy(c.alg), nil
	case c.alg == "MD5":
		return verifiedSizeOnly, nil // an MD5 ETag of a multipart object is no MD5 of the bytes
	}
	// A full-object checksum of a multipart object: hash the finished file.
	h := newHash(c.alg)
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62)); err != nil {
		return "", err
	}
	if got := enc(h.Sum(nil)); got != c.want {
		return "", &checksumMismatch{alg: c.alg, got: got, want: c.want}
	}
	return verifiedBy(c.alg), nil
}

// extents are the byte ranges written to a file, so that a range written
// again (a retried GET) counts once.
type extents struct {
	mu  sync.Mutex
	iv  [][2]int64 // sorted, disjoint, not touching
	n   int64      // bytes covered
	end int64      // highest end written
}

// add records [off, off+n) and returns the bytes covered.
func (x *extents) add(off, n int64) int64 {
	if n <= 0 {
		x.mu.Lock()
		defer x.mu.Unlock()
		return x.n
	}
	lo, hi := off, off+n
	x.mu.Lock()
	defer x.mu.Unlock()
	if hi > x.end {
		x.end = hi
	}
	// The common case: appending to the last range, or to one in the middle.
	i := sort.Search(len(x.iv), func(i int) bool { return x.iv[i][1] >= lo })
	j := i
	for j < len(x.iv) && x.iv[j][0] <= hi {
		if x.iv[j][0] < lo {
			lo = x.iv[j][0]
		}
		if x.iv[j][1] > hi {
			hi = x.iv[j][1]
		}
		x.n -= x.iv[j][1] - x.iv[j][0]
		j++
	}
	x.n += hi - lo
	if i == j {
		x.iv = append(x.iv, [2]int64{})
		copy(x.iv[i+1:], x.iv[i:])
		x.iv[i] = [2]int64{lo, hi}
	} else {
		x.iv[i] = [2]int64{lo, hi}
		x.iv = append(x.iv[:i+1], x.iv[j:]...)
	}
	return x.n
}

// covers tells whether exactly [0, size) was written.
func (x *extents) covers(size int64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.n == size && x.end == size
}

func (x *extents) written() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.n
}
