// Package core lends storage's own feature packages (transfer, share's
// tests, sandbox) what *storage.Service keeps unexported: its SDK client
// and per-bucket options. Package storage registers the hook in its init, so
// it is set before any importer runs; being internal, nothing outside
// storage/ can reach it, and Service exports no Client().
//
// Features use the service's API; only code that must hand the SDK a client
// (the transfer manager, the sandbox's seeding) comes here.
package core

import "github.com/aws/aws-sdk-go-v2/service/s3"

// Access is what the core lends for one *storage.Service.
type Access struct {
	// Client is the service's SDK client.
	Client *s3.Client
	// BucketOpts are the per-request options for bucket (its region, once
	// learnt); pass them to every call on Client.
	BucketOpts func(bucket string) []func(*s3.Options)
	// RememberRegion records a bucket's region, as learning it would.
	RememberRegion func(bucket, region string)
}

var of func(svc any) Access

// Register is called once, by package storage's init.
func Register(f func(svc any) Access) { of = f }

// Of is the access to svc, a *storage.Service.
func Of(svc any) Access { return of(svc) }
