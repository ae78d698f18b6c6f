package storage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Sentinel errors. Every error the service returns wraps one of these (test
// with errors.Is) inside an *Error whose text tells a person what to do.
var (
	ErrNotFound           = errors.New("not found")
	ErrBucketNotFound     = fmt.Errorf("bucket %w", ErrNotFound)
	ErrAccessDenied       = errors.New("access denied")
	ErrBucketNotEmpty     = errors.New("bucket not empty")
	ErrBucketExists       = errors.New("bucket already exists")
	ErrInvalidName        = errors.New("invalid name")
	ErrInvalidArgument    = errors.New("invalid argument")
	ErrACLNotSupported    = errors.New("ACLs not supported")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrInvalidAccessKey   = errors.New("invalid access key")
	ErrSignatureMismatch  = errors.New("signature mismatch")
	ErrClockSkew          = errors.New("clock skew")
	ErrEndpoint           = errors.New("endpoint unreachable")
	ErrTLS                = errors.New("TLS problem")
	ErrProtocol           = errors.New("unexpected server behaviour")
	ErrConflict           = errors.New("conflict")
	ErrTooLarge           = errors.New("too large")
	ErrUnreadable         = errors.New("unreadable content") // an object whose bytes cannot be decoded as its type claims
	ErrHeaderMismatch     = errors.New("CSV header differs") // combining CSVs whose headers do not match
	// ErrWrongRegion: the bucket lives in another region than the request
	// was signed for; BucketRegion finds the right one.
	ErrWrongRegion = errors.New("wrong region")
	// ErrExpiredCredentials: temporary credentials (session token, SSO)
	// have expired and must be refreshed.
	ErrExpiredCredentials = errors.New("credentials expired")
	// ErrUnavailable: the service is busy or failing; trying again later
	// may work.
	ErrUnavailable = errors.New("service unavailable")
	// ErrNoCredentials: the SDK could not get credentials for a linked AWS
	// profile (SSO never signed in, credential_process failing, ...).
	ErrNoCredentials = errors.New("no credentials")
	// ErrNotSupported: the service does not implement the operation or
	// setting (S3 NotImplemented / MethodNotAllowed, HTTP 501 / 405).
	ErrNotSupported = errors.New("not supported by this service")
	// ErrNotImplemented is ErrNotSupported under its older name.
	ErrNotImplemented = ErrNotSupported
)

// Error is the typed error of the storage service. Error() is a sentence a
// person can act on; errors.Is matches both Kind (a sentinel above) and the
// underlying cause, so a user's cancel still reads as context.Canceled.
type Error struct {
	Op     string // what was being done, e.g. "delete object"
	Bucket string
	Key    string
	Code   string // the S3 error code, when the server sent one
	Kind   error  // one of the sentinels above
	Msg    string // the human sentence
	Err    error  // the cause
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	if e.Kind != nil {
		return e.Op + ": " + e.Kind.Error()
	}
	return e.Op + ": " + fmt.Sprint(e.Err)
}

// Unwrap exposes both the sentinel kind and the cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// what names the thing an operation touched, for messages.
func what(bucket, key string) string {
	switch {
	case bucket == "":
		return "the service"
	case key == "":
		return fmt.Sprintf("bucket %q", bucket)
	default:
		return fmt.Sprintf("%q in bucket %q", key, bucket)
	}
}

// MapError is mapErr for the feature packages (transfer, share, report,
// preview): the one mapping of SDK and network errors to *Error.
func MapError(op, bucket, key string, err error) error { return mapErr(op, bucket, key, err) }

// mapErr turns an SDK or network error into an *Error with a sentinel kind
// and a plain-words message. It returns nil for nil, and keeps context
// cancellation recognisable.
func mapErr(op, bucket, key string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Bucket: bucket, Key: key, Err: err}
	if errors.Is(err, context.Canceled) {
		e.Msg = op + ": cancelled"
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Kind = ErrEndpoint
		e.Msg = op + ": the service did not answer in time; check the endpoint and your network"
		return e
	}

	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code = api.ErrorCode()
	}
	target := what(bucket, key)
	switch e.Code {
	case "NoSuchBucket":
		e.Kind, e.Msg = ErrBucketNotFound, fmt.Sprintf("%s: bucket %q does not exist; refresh the bucket list", op, bucket)
	case "NoSuchKey", "NoSuchVersion":
		e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: %s does not exist (it may have been deleted or renamed); refresh the folder", op, target)
	case "NoSuchUpload":
		e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: the multipart upload of %s no longer exists; it was completed or aborted", op, target)
	case "NoSuchBucketPolicy":
		e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: bucket %q has no bucket policy", op, bucket)
	case "AccessDenied", "Forbidden", "AllAccessDisabled":
		e.Kind, e.Msg = ErrAccessDenied, fmt.Sprintf("%s: access to %s was denied; ask the account owner for permission or use another profile", op, target)
	case "BucketNotEmpty":
		e.Kind, e.Msg = ErrBucketNotEmpty, fmt.Sprintf("%s: bucket %q is not empty; empty it first or delete it with \"force\"", op, bucket)
	case "BucketAlreadyExists":
		e.Kind, e.Msg = ErrBucketExists, fmt.Sprintf("%s: the name %q is taken by another account; bucket names are global, choose another", op, bucket)
	case "BucketAlreadyOwnedByYou":
		e.Kind, e.Msg = ErrBucketExists, fmt.Sprintf("%s: you already own a bucket named %q", op, bucket)
	case "InvalidBucketName":
		e.Kind, e.Msg = ErrInvalidName, fmt.Sprintf("%s: the service refused the bucket name %q; use 3-63 lower-case letters, digits, dots and hyphens", op, bucket)
	case "KeyTooLongError":
		e.Kind, e.Msg = ErrInvalidName, fmt.Sprintf("%s: the key is longer than the service allows (1024 bytes)", op)
	case "AccessControlListNotSupported":
		e.Kind, e.Msg = ErrACLNotSupported, fmt.Sprintf("%s: bucket %q does not accept ACLs (its object ownership is \"bucket owner enforced\"); use a bucket policy or a presigned link instead", op, bucket)
	case "NotImplemented", "XNotImplemented", "MethodNotAllowed":
		if deleteMarker(err) {
			e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: %s is a delete marker (the object was deleted); pick an earlier version", op, target)
			break
		}
		e.Kind, e.Msg = ErrNotSupported, fmt.Sprintf("%s: this server does not implement that operation", op)
	case "PreconditionFailed":
		e.Kind, e.Msg = ErrPreconditionFailed, fmt.Sprintf("%s: %s changed or already exists; nothing was overwritten", op, target)
	case "ConditionalRequestConflict", "OperationAborted":
		e.Kind, e.Msg = ErrConflict, fmt.Sprintf("%s: another change to %s happened at the same time; try again", op, target)
	case "InvalidAccessKeyId", "XAdminUserNotFound", "InvalidClientTokenId":
		e.Kind, e.Msg = ErrInvalidAccessKey, op+": the service does not know this access key ID; check the key in the profile"
	case "SignatureDoesNotMatch":
		e.Kind, e.Msg = ErrSignatureMismatch, op+": the secret access key is wrong (the request signature did not match); check the secret in the profile"
	case "RequestTimeTooSkewed":
		e.Kind, e.Msg = ErrClockSkew, op+": this computer's clock differs too much from the server's; set the clock automatically and try again"
	case "ExpiredToken", "TokenRefreshRequired", "InvalidToken":
		e.Kind, e.Msg = ErrExpiredCredentials, op+": the temporary credentials have expired or are invalid; sign in again (aws sso login) or renew the session token"
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException":
		if r := bucketRegionHeader(err); r != "" {
			e.Msg = fmt.Sprintf("%s: bucket %q is in region %q, not the profile's region; open it from the bucket list or set the profile's region to %s", op, bucket, r, r)
		} else {
			e.Msg = fmt.Sprintf("%s: %s is in a different region than the profile's, or the service does not serve the profile's region; check the region in the profile", op, target)
		}
		e.Kind = ErrWrongRegion
	case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout":
		e.Kind, e.Msg = ErrUnavailable, fmt.Sprintf("%s: the service is busy or failing (%s); try again in a moment", op, e.Code)
	case "InvalidObjectState":
		e.Kind, e.Msg = ErrInvalidArgument, fmt.Sprintf("%s: %s is archived (Glacier or Deep Archive); restore it before reading or copying it", op, target)
	case "TooManyBuckets":
		e.Kind, e.Msg = ErrTooLarge, op+": the account has reached its bucket limit; delete a bucket or ask for a higher limit"
	case "EntityTooLarge":
		e.Kind, e.Msg = ErrTooLarge, fmt.Sprintf("%s: %s is larger than the service allows in one request", op, target)
	case "DirectoryObjectContainsData":
		e.Kind, e.Msg = ErrInvalidArgument, fmt.Sprintf("%s: this service keeps folders as directories, so %s (a name ending in \"/\") cannot hold data", op, target)
	case "InvalidArgument", "InvalidRequest", "InvalidPart", "InvalidPartOrder", "EntityTooSmall", "MalformedXML", "MalformedPolicy", "InvalidRange":
		e.Kind, e.Msg = ErrInvalidArgument, fmt.Sprintf("%s: the service refused the request for %s: %s", op, target, scrub(apiMessage(api)))
	}
	if e.Kind != nil {
		return e
	}
	// HEAD responses carry no body, so only the status is known.
	switch status {
	case http.StatusNotFound:
		if bucket == "" {
			e.Kind, e.Msg = ErrEndpoint, op+": the endpoint answered \"404 Not Found\" where an S3 service would list buckets; check the endpoint URL (no bucket name or path in it)"
		} else if key == "" {
			e.Kind, e.Msg = ErrBucketNotFound, fmt.Sprintf("%s: bucket %q does not exist; refresh the bucket list", op, bucket)
		} else {
			e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: %s does not exist; refresh the folder", op, target)
		}
		return e
	case http.StatusForbidden:
		e.Kind, e.Msg = ErrAccessDenied, fmt.Sprintf("%s: access to %s was denied; check the profile's keys and permissions", op, target)
		return e
	case http.StatusPreconditionFailed:
		e.Kind, e.Msg = ErrPreconditionFailed, fmt.Sprintf("%s: %s changed or already exists; nothing was overwritten", op, target)
		return e
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		e.Kind, e.Msg = ErrWrongRegion, fmt.Sprintf("%s: %s is in a different region than the profile's; open it from the bucket list or check the region in the profile", op, target)
		if r := bucketRegionHeader(err); r != "" {
			e.Msg = fmt.Sprintf("%s: bucket %q is in region %q, not the profile's region; open it from the bucket list or set the profile's region to %s", op, bucket, r, r)
		}
		return e
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusTooManyRequests:
		e.Kind, e.Msg = ErrUnavailable, fmt.Sprintf("%s: the service answered HTTP %d (busy or failing); try again in a moment", op, status)
		return e
	case http.StatusNotImplemented, http.StatusMethodNotAllowed:
		if deleteMarker(err) {
			e.Kind, e.Msg = ErrNotFound, fmt.Sprintf("%s: %s is a delete marker (the object was deleted); pick an earlier version", op, target)
			return e
		}
		e.Kind, e.Msg = ErrNotSupported, fmt.Sprintf("%s: this server does not implement that operation", op)
		return e
	}

	// Credentials the SDK could not resolve (linked AWS profiles).
	if status == 0 {
		text := err.Error()
		switch {
		case strings.Contains(text, "SSO token") || strings.Contains(text, "ssooidc") || strings.Contains(text, "SSO session"):
			e.Kind, e.Msg = ErrExpiredCredentials, op+": the AWS SSO sign-in of this profile has expired or was never done; sign in again with \"aws sso login --profile\" and the profile's name, then retry"
			return e
		case strings.Contains(text, "credential_process") || strings.Contains(text, "process provider error"):
			e.Kind, e.Msg = ErrNoCredentials, op+": the profile's credential_process command failed ("+scrub(rootMsg(err))+"); run it in a terminal to see why, or fix it in ~/.aws/config"
			return e
		case strings.Contains(text, "get credentials:") || strings.Contains(text, "failed to refresh cached credentials"):
			e.Kind, e.Msg = ErrNoCredentials, op+": could not get credentials for this profile ("+scrub(rootMsg(err))+"); check the profile in ~/.aws/config and ~/.aws/credentials"
			return e
		}
	}

	// Below HTTP: TLS and network problems.
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		e.Kind, e.Msg = ErrTLS, op+": the server's TLS certificate is not trusted ("+scrub(rootMsg(err))+"); check the endpoint's host name, or add its CA to AWS_CA_BUNDLE"
		return e
	case errors.As(err, &recErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Kind, e.Msg = ErrTLS, op+": the endpoint speaks plain HTTP, not HTTPS (or the reverse); fix the http:// or https:// in the endpoint"
		return e
	case strings.Contains(err.Error(), "tls:"):
		e.Kind, e.Msg = ErrTLS, op+": the TLS handshake failed ("+scrub(rootMsg(err))+"); check the endpoint's scheme and port"
		return e
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		e.Kind, e.Msg = ErrEndpoint, fmt.Sprintf("%s: the host %q could not be found; check the endpoint and your network", op, dnsErr.Name)
		return e
	case errors.As(err, &opErr):
		e.Kind, e.Msg = ErrEndpoint, op+": could not reach the endpoint ("+scrub(rootMsg(err))+"); check the address and port, and that the service is running"
		return e
	case strings.Contains(err.Error(), "connection reset"), strings.Contains(err.Error(), "EOF"):
		e.Kind, e.Msg = ErrEndpoint, op+": the connection to the service was lost; try again"
		return e
	}
	if status != 0 {
		e.Kind = ErrProtocol
		e.Msg = fmt.Sprintf("%s: the service answered HTTP %d for %s%s", op, status, target, codeSuffix(e.Code, api))
		return e
	}
	e.Kind = ErrProtocol
	e.Msg = op + ": " + scrub(rootMsg(err))
	return e
}

// MapFeatureError is MapError for a bucket setting: when the service does
// not support it, the message names the feature ("read the lifecycle
// rules: this server does not implement lifecycle rules").
func MapFeatureError(op, feature, bucket string, err error) error {
	err = mapErr(op, bucket, "", err)
	var e *Error
	if errors.As(err, &e) && e.Kind == ErrNotSupported && feature != "" {
		e.Msg = fmt.Sprintf("%s: this server does not implement %s", op, feature)
	}
	return err
}

// deleteMarker tells whether a failed response is about a delete marker
// (S3 answers 405 MethodNotAllowed to a GET or HEAD of one's version).
func deleteMarker(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.Response != nil && re.Response.Header.Get("X-Amz-Delete-Marker") == "true"
}

// bucketRegionHeader is the bucket region a failed AWS response names.
func bucketRegionHeader(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

func apiMessage(api smithy.APIError) string {
	if api == nil {
		return ""
	}
	if m := api.ErrorMessage(); m != "" {
		return m
	}
	return api.ErrorCode()
}

func codeSuffix(code string, api smithy.APIError) string {
	if code == "" {
		return ""
	}
	return " (" + code + ": " + scrub(apiMessage(api)) + ")"
}

// rootMsg is the innermost error's text, without the SDK's operation chain.
func rootMsg(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
