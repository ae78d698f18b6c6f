// Package core lends storage's own feature packages (transfer, share's
// tests, sandbox) what *storage.Service keeps unexported: its SDK client
// and per-bucket options. Package storage registers the hook in its init, so
// it is set before any importer runs; being internal, nothing outside
// storage/ can reach it, and Service exports no Client().
//
// Features use the service's API; only code that must hand the SDK a client
// (the transfer manager, the sandbox's seeding) comes here.
package core

import (
	"context"
	"io"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Access is what the core lends for one *storage.Service.
type Access struct {
	// Client is the service's SDK client.
	Client *s3.Client
	// BucketOpts are the per-request options for bucket (its region, once
	// learnt); pass them to every call on Client.
	BucketOpts func(bucket string) []func(*s3.Options)
	// RememberRegion records a bucket's region, as learning it would.
	RememberRegion func(bucket, region string)
	// AWSConfig is the SDK configuration the client was made from (for
	// STS, which the transfer engine asks for the account).
	AWSConfig aws.Config
	// Profile is the profile's name ("" for none).
	Profile string
	// OnAWS tells whether the service talks to AWS itself (no endpoint of
	// its own, none from the environment), where STS exists.
	OnAWS bool
	// PartPages lists an upload's parts with the core's guarded paginator.
	PartPages func(ctx context.Context, op, bucket, key, uploadID string) iter.Seq2[*s3.ListPartsOutput, error]
	// OpenVerified is Open (of that version when versionID is not "",
	// pinned to ifMatch when not "", errors naming op) that also returns,
	// once the body is read to its end, what was verified ("CRC32
	// verified", "size only: ...").
	OpenVerified func(ctx context.Context, bucket, key, versionID, ifMatch, op string) (body io.ReadCloser, verified func() string, err error)
}

var of func(svc any) Access

// Scrub removes credentials and signatures from a message (log lines,
// error texts); it is storage's own scrubber.
var Scrub func(string) string

// Register is called once, by package storage's init.
func Register(f func(svc any) Access, scrub func(string) string) { of, Scrub = f, scrub }

// Of is the access to svc, a *storage.Service.
func Of(svc any) Access { return of(svc) }
