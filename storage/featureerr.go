package storage

import (
	"errors"
	"fmt"
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// featureErr is mapErr for the calls of an optional S3 feature (object
// tags, object lock, restore, ...): a server that answers NotImplemented,
// MethodNotAllowed, 501 or 405 does not have the feature, and the error
// says so in plain words (Kind ErrNotImplemented).
func featureErr(op, feature, bucket, key string, err error) error {
	mapped := mapErr(op, bucket, key, err)
	var e *Error
	if !errors.As(mapped, &e) {
		return mapped
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	if errors.Is(mapped, ErrNotImplemented) || e.Code == "MethodNotAllowed" || e.Code == "NotSupported" ||
		status == http.StatusNotImplemented || status == http.StatusMethodNotAllowed {
		e.Kind = ErrNotImplemented
		e.Msg = fmt.Sprintf("%s: this server does not implement %s", op, feature)
	}
	return mapped
}

// apiText is the S3 error code and message of err, "" when it has none.
func apiText(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() + " " + api.ErrorMessage()
	}
	return ""
}

// objectAnswer tells whether the raw answer to a subresource request
// (?tagging, ?retention, ?legal-hold) carries an object's headers: a
// server that does not know the subresource (gofakes3) answered it as a
// plain GetObject. Writing the subresource to such a server would
// overwrite or delete the object itself.
func objectAnswer(meta middleware.Metadata) bool {
	resp, ok := awsmiddleware.GetRawResponse(meta).(*smithyhttp.Response)
	if !ok || resp == nil {
		return false
	}
	return resp.Header.Get("Last-Modified") != "" || resp.Header.Get("ETag") != ""
}

// notXML tells whether err is the SDK failing to read an answer as the
// XML it expected: the server answered something else (an object's bytes).
func notXML(err error) bool {
	var de *smithy.DeserializationError
	return errors.As(err, &de)
}

// unimplemented is the ErrNotImplemented of a feature the server only
// pretends to answer.
func unimplemented(op, feature, bucket, key string) error {
	return &Error{Op: op, Bucket: bucket, Key: key, Kind: ErrNotImplemented,
		Msg: fmt.Sprintf("%s: this server does not implement %s", op, feature)}
}
