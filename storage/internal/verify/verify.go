// Package verify is how storage checks what it reads, shared by the core's
// Open and storage/transfer's downloads: checksums, MD5 ETags, multipart
// part digests, written extents, and the per-transfer retry counter.
package verify

import (
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
const SizeOnly = "size only: the server gave no checksum"

func By(alg string) string { return alg + " verified" }

// sdkAlgorithms is the order in which the SDK looks for a response
// checksum (service/s3 GetObject): the last one present is the one checked.
var sdkAlgorithms = []string{"CRC64NVME", "CRC32", "CRC32C", "SHA256", "SHA1", "SHA512"}

// Sums are the checksum headers of a response, by algorithm.
type Sums map[string]string

func GetSums(out *s3.GetObjectOutput) Sums {
	return SumsOf(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumSHA512)
}

func SumsOf(crc32v, crc32c, crc64, sha1v, sha256v, sha512v *string) Sums {
	s := Sums{}
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
func (s Sums) SDKChecked() string {
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
func (s Sums) Best() (string, string) {
	for _, a := range []string{"CRC64NVME", "CRC32C", "CRC32", "SHA1", "SHA256", "SHA512"} {
		if s[a] != "" {
			return a, s[a]
		}
	}
	return "", ""
}

var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func NewHash(alg string) hash.Hash {
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

// MD5ETag is the MD5 an object's ETag states, when it states one: a
// single-part object's ETag, unless SSE-KMS or SSE-C encrypted it.
func MD5ETag(etag string, sse s3types.ServerSideEncryption, sseC *string) (string, bool) {
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

// ChecksumMismatch is a download whose bytes do not match the checksum the
// server gave for them.
type ChecksumMismatch struct{ Alg, Got, Want, Detail string }

func (m *ChecksumMismatch) Error() string {
	if m.Detail != "" {
		return fmt.Sprintf("the %s checksum of the bytes received does not match the server's (%s)", m.Alg, m.Detail)
	}
	return fmt.Sprintf("the %s checksum of the bytes received does not match the server's (got %s, the server says %s)", m.Alg, m.Got, m.Want)
}

// AsMismatch turns the SDK's checksum validation failure into a
// ChecksumMismatch (the SDK's error type is internal).
func AsMismatch(err error, alg string) error {
	var m *ChecksumMismatch
	if err == nil || errors.As(err, &m) {
		return err
	}
	if strings.Contains(err.Error(), "checksum did not match") {
		return &ChecksumMismatch{Alg: alg, Detail: err.Error()}
	}
	return err
}

// BodyError is an error met while reading a response body, after the
// SDK's retryer had let go of the request: the download retries it.
type BodyError struct{ Err error }

func (b *BodyError) Error() string { return b.Err.Error() }
func (b *BodyError) Unwrap() error { return b.Err }

// HashingBody hashes a body as it is read and calls done with the digest
// at its end (and only there: a body cut short is never reported).
type HashingBody struct {
	io.ReadCloser
	H    hash.Hash
	N    int64
	Done func(sum []byte, n int64)
}

func (b *HashingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.H.Write(p[:n])
	b.N += int64(n)
	if err == io.EOF && b.Done != nil {
		b.Done(b.H.Sum(nil), b.N)
		b.Done = nil
	}
	return n, err
}

// PartSums collects the digest of each part a multipart download got.
type PartSums struct {
	Alg   string
	Mu    sync.Mutex
	Parts map[int32][]byte
}

// LargeCheck is how a multipart download is verified, decided from one
// HeadObject before it starts.
type LargeCheck struct {
	Alg       string // hash computed per part ("" none)
	Want      string // expected value, base64 (hex for MD5)
	Composite bool   // Want is a checksum of the part checksums
	NParts    int    // parts of a composite checksum ("-N"), 0 unknown
	Whole     bool   // full-object checksum: verify the finished file
}

func PlanLargeCheck(h *s3.HeadObjectOutput) LargeCheck {
	s := SumsOf(h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumCRC64NVME, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumSHA512)
	if alg, v := s.Best(); alg != "" {
		c := LargeCheck{Alg: alg, Want: v}
		if i := strings.LastIndexByte(v, '-'); i > 0 {
			c.Want = v[:i]
			c.NParts, _ = strconv.Atoi(v[i+1:])
			c.Composite = true
		} else if h.ChecksumType == s3types.ChecksumTypeComposite {
			c.Composite = true
		} else {
			c.Whole = true
		}
		return c
	}
	if m, ok := MD5ETag(aws.ToString(h.ETag), h.ServerSideEncryption, h.SSECustomerAlgorithm); ok {
		return LargeCheck{Alg: "MD5", Want: m, Whole: true}
	}
	return LargeCheck{}
}

// finish checks a finished multipart download: the part digests ps, the
// file f. It returns what was verified.
func (c LargeCheck) Finish(ps *PartSums, f *os.File) (string, error) {
	if c.Alg == "" {
		return SizeOnly, nil
	}
	ps.Mu.Lock()
	nums := make([]int, 0, len(ps.Parts))
	for n := range ps.Parts {
		nums = append(nums, int(n))
	}
	ps.Mu.Unlock()
	sort.Ints(nums)
	for i, n := range nums {
		if n != i+1 {
			return SizeOnly, nil // parts not numbered 1..N: nothing to compare
		}
	}
	enc := func(b []byte) string {
		if c.Alg == "MD5" {
			return hex.EncodeToString(b)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	switch {
	case c.Composite:
		if len(nums) < 2 || (c.NParts != 0 && c.NParts != len(nums)) {
			// The server answered part GETs with the whole object (or
			// different parts): the composite checksum says nothing here.
			return "size only: the server's multipart checksum does not match its parts", nil
		}
		h := NewHash(c.Alg)
		for _, n := range nums {
			h.Write(ps.Parts[int32(n)])
		}
		if got := enc(h.Sum(nil)); got != c.Want {
			return "", &ChecksumMismatch{Alg: c.Alg + " (of " + strconv.Itoa(len(nums)) + " parts)", Got: got, Want: c.Want}
		}
		return fmt.Sprintf("%s verified (%d parts)", c.Alg, len(nums)), nil
	case len(nums) == 1:
		if got := enc(ps.Parts[1]); got != c.Want {
			return "", &ChecksumMismatch{Alg: c.Alg, Got: got, Want: c.Want}
		}
		return By(c.Alg), nil
	case c.Alg == "MD5":
		return SizeOnly, nil // an MD5 ETag of a multipart object is no MD5 of the bytes
	}
	// A full-object checksum of a multipart object: hash the finished file.
	h := NewHash(c.Alg)
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62)); err != nil {
		return "", err
	}
	if got := enc(h.Sum(nil)); got != c.Want {
		return "", &ChecksumMismatch{Alg: c.Alg, Got: got, Want: c.Want}
	}
	return By(c.Alg), nil
}

// Extents are the byte ranges written to a file, so that a range written
// again (a retried GET) counts once.
type Extents struct {
	mu  sync.Mutex
	iv  [][2]int64 // sorted, disjoint, not touching
	n   int64      // bytes covered
	end int64      // highest end written
}

// add records [off, off+n) and returns the bytes covered.
func (x *Extents) Add(off, n int64) int64 {
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
func (x *Extents) Covers(size int64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.n == size && x.end == size
}

func (x *Extents) Written() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.n
}
