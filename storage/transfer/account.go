package transfer

// Whose interrupted uploads are whose.
//
// Every profile shares one resume journal, and two AWS profiles both have an
// empty endpoint, so the endpoint alone cannot say which account a journal
// record belongs to. Each record therefore carries the account identity of
// the engine that started it: the profile name, the access key ID, and for
// AWS the account ID (from the credentials when the SDK knows it, else from
// STS GetCallerIdentity, optional and time-bounded). An engine lists,
// resumes, discards and aborts only the records whose identity matches its
// own (identity.owns).
//
// Nothing of this runs in NewEngine's caller: the identity is resolved and
// the aborts that could not reach the server are retried by one background
// loop per engine (abortLoop), with backoff, until Close.

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

// identity is who an engine's account is, as far as it is known.
type identity struct {
	Profile     string
	AccountID   string // AWS account ID; "" when unknown or not AWS
	AccessKeyID string // "" when the credentials could not be resolved
	Temporary   bool   // session credentials: the key changes with each session
}

const (
	credsTimeout    = 10 * time.Second // resolving credentials (SSO, credential_process)
	callerTimeout   = 5 * time.Second  // STS GetCallerIdentity
	abortTimeout    = 10 * time.Second // one AbortMultipartUpload
	abortBackoffMin = 30 * time.Second
	abortBackoffMax = 10 * time.Minute
)

// recordIdentity is the identity a journal record was written with.
func recordIdentity(r *uploadRecord) identity {
	return identity{Profile: r.Profile, AccountID: r.AccountID, AccessKeyID: r.AccessKeyID, Temporary: r.Temporary}
}

// legacy tells that r was written before records carried an identity.
func legacy(r *uploadRecord) bool {
	return r.Profile == "" && r.AccountID == "" && r.AccessKeyID == ""
}

// owns tells whether the account me may see and act on a record written
// by the account them (on the same endpoint). The account ID decides when
// both know it; else the access key ID; session keys change with every
// session, so for two sets of session credentials the profile decides.
// An identity that cannot be told owns nothing.
func (me identity) owns(them identity) bool {
	switch {
	case me.AccountID != "" && them.AccountID != "":
		return me.AccountID == them.AccountID
	case me.AccessKeyID != "" && me.AccessKeyID == them.AccessKeyID:
		return true
	case me.Temporary && them.Temporary && me.Profile != "" && me.Profile == them.Profile:
		return true
	}
	return false
}

// ownsRecord tells whether r is one of this engine's uploads. Records
// written before identities existed are matched by endpoint, as they were.
func (e *Engine) ownsRecord(r *uploadRecord) bool {
	if r.Endpoint != e.s.Endpoint() {
		return false
	}
	if legacy(r) {
		return true
	}
	return e.identity().owns(recordIdentity(r))
}

// identity waits (bounded by the resolution's own timeouts, or Close) for
// the engine's identity and returns it.
func (e *Engine) identity() identity {
	select {
	case <-e.identReady:
	case <-e.bgCtx.Done():
	}
	e.identMu.Lock()
	defer e.identMu.Unlock()
	return e.ident
}

// stamp writes the engine's identity into a new record. It does not wait
// for STS: the credentials (cached by the SDK, which just signed the
// CreateMultipartUpload) give the key, and the account when they know it.
func (e *Engine) stamp(ctx context.Context, r *uploadRecord) {
	e.identMu.Lock()
	id := e.ident
	e.identMu.Unlock()
	if id.AccessKeyID == "" {
		c, cancel := context.WithTimeout(ctx, credsTimeout)
		if cr, err := e.s.Credentials(c); err == nil {
			id.AccessKeyID, id.Temporary = cr.AccessKeyID, cr.CanExpire
			if id.AccountID == "" {
				id.AccountID = cr.AccountID
			}
		}
		cancel()
	}
	r.Profile, r.AccountID, r.AccessKeyID, r.Temporary = e.acc.Profile, id.AccountID, id.AccessKeyID, id.Temporary
}

// resolveIdentity learns the engine's identity: the credentials' key and
// account, then, for AWS itself when the credentials do not name the
// account, STS GetCallerIdentity. Failures leave fields empty.
func (e *Engine) resolveIdentity(ctx context.Context) {
	defer close(e.identReady)
	id := identity{Profile: e.acc.Profile}
	c, cancel := context.WithTimeout(ctx, credsTimeout)
	cr, err := e.s.Credentials(c)
	cancel()
	if err != nil {
		e.s.Logger().Warn("resume journal: credentials not resolved; interrupted uploads of this account stay hidden", "err", err)
	} else {
		id.AccessKeyID, id.AccountID, id.Temporary = cr.AccessKeyID, cr.AccountID, cr.CanExpire
	}
	if id.AccountID == "" && err == nil && e.acc.OnAWS {
		c, cancel := context.WithTimeout(ctx, callerTimeout)
		out, err := sts.NewFromConfig(e.acc.AWSConfig).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
		cancel()
		if err == nil && out.Account != nil {
			id.AccountID = *out.Account
		} else if err != nil {
			e.s.Logger().Info("resume journal: STS GetCallerIdentity unavailable; the access key identifies the account", "err", core.Scrub(err.Error()))
		}
	}
	e.identMu.Lock()
	e.ident = id
	e.identMu.Unlock()
}

// startBackground starts the engine's background loop: identity first, then
// the aborts that could not reach the server, retried with backoff.
func (e *Engine) startBackground(ctx context.Context) {
	e.bgCtx, e.bgStop = context.WithCancel(ctx)
	e.identReady = make(chan struct{})
	e.bgDone = make(chan struct{})
	e.kick = make(chan struct{}, 1)
	go e.abortLoop()
}

// kickAborts wakes the abort loop: an abort just failed.
func (e *Engine) kickAborts() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// stopBackground ends the loop (its requests are cancelled) and waits for
// it briefly.
func (e *Engine) stopBackground() {
	e.bgStop()
	select {
	case <-e.bgDone:
	case <-time.After(2 * time.Second):
	}
}

func (e *Engine) abortLoop() {
	defer close(e.bgDone)
	ctx := e.bgCtx
	e.resolveIdentity(ctx)
	backoff := time.Duration(0)
	for {
		_, err := e.RetryAborts(ctx)
		var wait <-chan time.Time // nil: nothing pending, wait for a kick
		if err != nil && ctx.Err() == nil {
			floor := time.Duration(e.abortBackoff.Load())
			if floor <= 0 {
				floor = abortBackoffMin
			}
			backoff = max(floor, min(backoff*2, abortBackoffMax))
			jitter := time.Duration(rand.Int64N(int64(backoff)/5 + 1))
			e.s.Logger().Warn("an storage.IncompleteListing upload could not be aborted; retrying", "in", backoff+jitter, "err", err)
			wait = time.After(backoff + jitter)
		} else {
			backoff = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-e.kick:
		case <-wait:
		}
	}
}

// notOwned refuses a record of another account.
func notOwned(r *uploadRecord) error {
	return &storage.Error{Op: "resume upload", Bucket: r.Bucket, Key: r.Key, Kind: storage.ErrNotFound, Err: errors.New("journal record of another account"),
		Msg: "resume upload: this storage.IncompleteListing upload belongs to another account; connect with that account's profile to resume or discard it"}
}
