package storage

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// SSEMode is how S3 encrypts an object at rest.
type SSEMode string

// Server-side encryption modes of an upload.
const (
	SSEDefault  SSEMode = ""        // whatever the bucket's default encryption does
	SSES3       SSEMode = "SSE-S3"  // AES256 with keys S3 manages
	SSEKMS      SSEMode = "SSE-KMS" // aws:kms with the key KMSKeyID ("" = the account's aws/s3 key)
	SSECustomer SSEMode = "SSE-C"   // AES256 with a key the user gives on every request
)

// ErrCustomerKey: the object is encrypted with a customer key (SSE-C)
// and the request did not carry it, or carried another one.
var ErrCustomerKey = errors.New("customer encryption key needed")

// ObjectEncryption is the server-side encryption of an upload, and for
// SSE-C the key every later read of the object needs. The key lives only
// in memory: it is never logged (String, GoString and LogValue hide it)
// and never written to the resume journal.
type ObjectEncryption struct {
	Mode     SSEMode
	KMSKeyID string // SSE-KMS only
	key      []byte // SSE-C only: 32 bytes
}

// CustomerKey is SSE-C with key (32 bytes; see ParseCustomerKey).
func CustomerKey(key []byte) ObjectEncryption {
	return ObjectEncryption{Mode: SSECustomer, key: append([]byte(nil), key...)}
}

// ParseCustomerKey reads an SSE-C key as a person pastes it: the base64
// of 32 bytes (what aws cli and most tools print), or 32 characters taken
// as the raw bytes.
func ParseCustomerKey(text string) ([]byte, error) {
	t := strings.TrimSpace(text)
	bad := func(msg string) error {
		return &Error{Op: "customer key", Kind: ErrInvalidArgument, Msg: "customer key: " + msg}
	}
	if t == "" {
		return nil, bad("enter the 256-bit key, as base64 (44 characters) or as 32 characters")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	if len(text) == 32 {
		return []byte(text), nil
	}
	if len(t) == 32 {
		return []byte(t), nil
	}
	return nil, bad(fmt.Sprintf("the key must be 256 bits: base64 of 32 bytes, or exactly 32 characters (this is %d characters)", len(t)))
}

// Key is the SSE-C key (nil for other modes).
func (e ObjectEncryption) Key() []byte { return e.key }

// KeyMD5 is the base64 MD5 of the SSE-C key (what S3 stores to recognise
// it; it does not reveal the key), "" for other modes.
func (e ObjectEncryption) KeyMD5() string {
	if e.Mode != SSECustomer || len(e.key) == 0 {
		return ""
	}
	sum := md5.Sum(e.key)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Validate says what is wrong with the choice, or nil.
func (e ObjectEncryption) Validate() error {
	switch e.Mode {
	case SSEDefault, SSES3:
		return nil
	case SSEKMS:
		if strings.ContainsAny(e.KMSKeyID, " \t\r\n") {
			return &Error{Op: "encryption", Kind: ErrInvalidArgument, Msg: "encryption: the KMS key ID must not contain spaces; paste a key ID, key ARN or alias (alias/name)"}
		}
		return nil
	case SSECustomer:
		if len(e.key) != 32 {
			return &Error{Op: "encryption", Kind: ErrInvalidArgument, Msg: "encryption: a customer key (SSE-C) must be 256 bits (32 bytes)"}
		}
		return nil
	}
	return &Error{Op: "encryption", Kind: ErrInvalidArgument, Msg: fmt.Sprintf("encryption: %q is not an encryption mode", string(e.Mode))}
}

// String describes the encryption without the key.
func (e ObjectEncryption) String() string {
	switch e.Mode {
	case SSEDefault:
		return "bucket default"
	case SSEKMS:
		if e.KMSKeyID != "" {
			return "SSE-KMS (" + e.KMSKeyID + ")"
		}
		return "SSE-KMS (aws/s3 key)"
	case SSECustomer:
		return "SSE-C (customer key, kept in memory)"
	}
	return string(e.Mode)
}

// GoString keeps %#v from printing the key.
func (e ObjectEncryption) GoString() string { return "storage.ObjectEncryption{" + e.String() + "}" }

// Format keeps every verb (%v, %+v, %s, %x ...) from printing the key.
func (e ObjectEncryption) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, e.GoString())
		return
	}
	fmt.Fprint(f, e.String())
}

// LogValue keeps slog from printing the key.
func (e ObjectEncryption) LogValue() slog.Value { return slog.StringValue(e.String()) }

// ServerSide is the x-amz-server-side-encryption value ("" none).
func (e ObjectEncryption) ServerSide() types.ServerSideEncryption {
	switch e.Mode {
	case SSES3:
		return types.ServerSideEncryptionAes256
	case SSEKMS:
		return types.ServerSideEncryptionAwsKms
	}
	return ""
}

// KMSKey is the x-amz-server-side-encryption-aws-kms-key-id value, nil
// for none.
func (e ObjectEncryption) KMSKey() *string {
	if e.Mode == SSEKMS && e.KMSKeyID != "" {
		return aws.String(e.KMSKeyID)
	}
	return nil
}

// CustomerHeaders are the three SSE-C values (algorithm, base64 key,
// base64 key MD5) every request on an SSE-C object carries; nils for the
// other modes.
func (e ObjectEncryption) CustomerHeaders() (alg, key, keyMD5 *string) {
	if e.Mode != SSECustomer || len(e.key) == 0 {
		return nil, nil, nil
	}
	return aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(e.key)), aws.String(e.KeyMD5())
}

// customerKeyErr recognises the answers to a read of an SSE-C object
// made without its key (or with another): S3 says InvalidRequest "The
// object was stored using a form of Server Side Encryption..." on GET,
// a bodiless 400 on HEAD (one that names no other bucket region).
func customerKeyErr(e *Error, api interface{ ErrorMessage() string }, status int, noRegion bool, method string) bool {
	if method != http.MethodGet && method != http.MethodHead {
		return false // a write with SSE-C that the server refuses is not a missing key
	}
	text := ""
	if api != nil {
		text = strings.ToLower(api.ErrorMessage())
	}
	switch {
	case strings.Contains(text, "server side encryption") && strings.Contains(text, "correct parameters"),
		strings.Contains(text, "customer") && strings.Contains(text, "key") && (strings.Contains(text, "encrypt") || strings.Contains(text, "md5")),
		(e.Code == "" || e.Code == "BadRequest") && method == http.MethodHead && noRegion && status == 400:
	default:
		return false
	}
	e.Kind = ErrCustomerKey
	e.Msg = fmt.Sprintf("%s: %s is encrypted with a customer key (SSE-C); enter it to read it", e.Op, what(e.Bucket, e.Key))
	return true
}

// requestMethod is the HTTP method of the failed request, "" unknown.
func requestMethod(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil && re.Response.Request != nil {
		return re.Response.Request.Method
	}
	return ""
}

// EncryptionRefused is MapError for a failed write that asked for enc; it
// says in plain words when the server refused the encryption itself: it does not
// implement it, has no KMS, or takes SSE-C only over https.
func EncryptionRefused(op, bucket, key string, enc ObjectEncryption, err error) error {
	mapped := mapErr(op, bucket, key, err)
	var e *Error
	if enc.Mode == SSEDefault || !errors.As(mapped, &e) {
		return mapped
	}
	text := strings.ToLower(apiText(err))
	switch {
	case errors.Is(mapped, ErrNotImplemented), e.Code == "MethodNotAllowed",
		strings.Contains(text, "kms"), strings.Contains(text, "encrypt"), strings.Contains(text, "secure connection"):
	default:
		return mapped
	}
	e.Kind = ErrNotImplemented
	switch {
	case enc.Mode == SSECustomer && strings.Contains(text, "secure connection"):
		e.Msg = fmt.Sprintf("%s: this server accepts customer keys (SSE-C) only over https; use an https endpoint, or upload without SSE-C", op)
	case enc.Mode == SSEKMS && strings.Contains(text, "kms") && !errors.Is(mapped, ErrNotImplemented):
		e.Msg = fmt.Sprintf("%s: this server refused SSE-KMS (%s); it may have no KMS configured, or the key ID is wrong", op, scrub(apiText(err)))
	default:
		e.Msg = fmt.Sprintf("%s: this server does not support %s encryption; upload with the bucket's default encryption instead", op, enc.Mode)
	}
	return mapped
}
