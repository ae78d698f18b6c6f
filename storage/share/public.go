package share

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// Errors of the public-link feature. Both come inside a *PublicError.
var (
	// ErrCannotMakePublic: no way to make the object public works on this
	// bucket; the message says why and suggests a presigned link.
	ErrCannotMakePublic = errors.New("cannot make public")
	// ErrConsentRequired: ACLs do not work here, but a bucket-policy statement
	// would; call MakePublic again with AllowPolicy once the user agrees.
	ErrConsentRequired = errors.New("bucket policy needs the user's consent")
	// ErrNotPublic: an anonymous request for the public URL was refused.
	ErrNotPublic = errors.New("not reachable without credentials")
)

// PublicMethod is how an object was made public.
type PublicMethod string

// Ways to make an object public.
const (
	PublicByACL    PublicMethod = "acl"    // object ACL public-read
	PublicByPolicy PublicMethod = "policy" // a bucket-policy statement for the key or prefix/*
)

// BlockReason says why one way of making an object public does not work.
type BlockReason string

// Reasons. The first four are the S3 services' own words.
const (
	BlockOwnerEnforced     BlockReason = "BucketOwnerEnforced"
	BlockACLNotSupported   BlockReason = "AccessControlListNotSupported"
	BlockNotImplemented    BlockReason = "NotImplemented"
	BlockPublicAccessBlock BlockReason = "PublicAccessBlock"
	BlockAccessDenied      BlockReason = "AccessDenied"
	BlockWildcardKey       BlockReason = "WildcardKey"   // the key holds * or ?, which a policy reads as a wildcard
	BlockEmptyFolder       BlockReason = "EmptyFolder"   // no object to put an ACL on
	BlockACLIgnored        BlockReason = "ACLIgnored"    // the ACL was accepted, yet anonymous reads are refused
	BlockPolicyIgnored     BlockReason = "PolicyIgnored" // the statement was accepted, yet anonymous reads are refused
)

// PublicOptions control MakePublic.
type PublicOptions struct {
	// AllowPolicy is the user's consent to add a bucket-policy statement
	// when object ACLs do not work.
	AllowPolicy bool
	// Progress, for folders made public through ACLs, reports objects done
	// of total. It is called from worker goroutines, never two at once.
	Progress func(done, total int64)
}

// PrivateOptions control MakePrivate.
type PrivateOptions struct {
	// Progress, for folders whose ACLs are set back, reports objects done of
	// total, as PublicOptions.Progress.
	Progress func(done, total int64)
}

// PublicResult says what MakePublic did.
type PublicResult struct {
	Bucket string
	Target string // the key, or the folder prefix ending in "/"
	Method PublicMethod
	// Objects is how many objects got a public-read ACL (ACL method).
	Objects int64
	// Sid names the policy statement added (policy method).
	Sid string
	// URL is the public URL of the object, or of the folder (add names).
	URL string
	// Verified: an anonymous HEAD of the object (for a folder, its first
	// file) succeeded; Check is its answer.
	Verified bool
	Check    PublicCheck
	// Note is a caveat for the user, e.g. that files added to a folder later
	// are not covered by per-object ACLs.
	Note string
}

// PrivateResult says what MakePrivate did.
type PrivateResult struct {
	RemovedStatement bool  // our policy statement for exactly this target was removed
	ACLReset         int64 // objects whose ACL was set back to private
	// StillGrantedBy lists other statements added by this app that still make
	// the target public (for example one for an enclosing folder).
	StillGrantedBy []string
}

// PublicError explains why an object could not be made public.
type PublicError struct {
	Bucket, Target string
	ACLReason      BlockReason // why object ACLs do not work
	PolicyReason   BlockReason // why the bucket-policy way does not work ("" if it would, given consent)
	NeedsConsent   bool
	Msg            string
	Err            error
}

func (e *PublicError) Error() string { return e.Msg }

// Unwrap exposes ErrConsentRequired or ErrCannotMakePublic, and the cause.
func (e *PublicError) Unwrap() []error {
	out := []error{ErrCannotMakePublic}
	if e.NeedsConsent {
		out = []error{ErrConsentRequired}
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// PublicSid is the Sid of the statement this app adds to make target public.
// It is recognisable (prefix "S3DeskPublic") and fixed for a bucket and
// target, so MakePrivate removes exactly that statement.
func PublicSid(bucket, target string) string {
	h := sha256.Sum256([]byte(bucket + "/" + target))
	return "S3DeskPublic" + hex.EncodeToString(h[:10])
}

// MakePublic makes the object key, or every object under a folder prefix
// ending in "/", readable by anyone. It tries a public-read ACL first; where
// ACLs do not work it adds a bucket-policy statement, but only with
// opts.AllowPolicy (otherwise the error wraps ErrConsentRequired). When
// neither works the *PublicError wraps ErrCannotMakePublic and says why.
// Verify the result with VerifyPublic: account-wide blocks cannot be seen
// from here.
func (s *Service) MakePublic(ctx context.Context, bucket, target string, opts PublicOptions) (PublicResult, error) {
	if bucket == "" || target == "" {
		return PublicResult{}, &storage.Error{Op: "make public", Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: "make public: choose a file or a folder (making a whole bucket public is not offered)"}
	}
	folder := strings.HasSuffix(target, "/")
	s.svc.LearnRegion(ctx, bucket)
	url, err := s.PublicURL(bucket, target)
	if err != nil {
		return PublicResult{}, err
	}
	res := PublicResult{Bucket: bucket, Target: target, URL: url}
	pab := s.publicAccessBlock(ctx, bucket)
	pe := &PublicError{Bucket: bucket, Target: target}

	// 1. Object ACLs, verified: some services accept an ACL and ignore it.
	// Each object's ACL is read first, so an undo puts back exactly what it
	// had; a folder changes publicACLParallel objects at once.
	if pab.BlockPublicAcls != nil && *pab.BlockPublicAcls || pab.IgnorePublicAcls != nil && *pab.IgnorePublicAcls {
		pe.ACLReason = BlockPublicAccessBlock
	} else {
		keys, lerr := s.publicListKeys(ctx, bucket, target, 0)
		if lerr != nil {
			return PublicResult{}, lerr
		}
		txn, aerr := s.publicGrantACL(ctx, bucket, keys, types.ObjectCannedACLPublicRead, opts.Progress)
		switch {
		case aerr == nil && txn.done == 0:
			pe.ACLReason = BlockEmptyFolder
		case aerr == nil:
			chk, verr := s.publicVerifyKey(ctx, bucket, txn.first)
			if verr == nil {
				res.Method, res.Objects, res.Verified, res.Check = PublicByACL, txn.done, true, chk
				if folder {
					res.Note = "each file now in the folder got a public-read ACL; files added later are not public until you make them public too"
				}
				return res, nil
			}
			if uerr := txn.undo(ctx, target, verr); uerr != nil {
				return PublicResult{}, uerr
			}
			if !errors.Is(verr, ErrNotPublic) {
				return PublicResult{}, verr
			}
			pe.ACLReason, pe.Err = BlockACLIgnored, verr
		default:
			// Undo whatever changed (a Cancel too: the user asked for
			// nothing to become public, not for a part of the folder).
			if uerr := txn.undo(ctx, target, aerr); uerr != nil {
				return PublicResult{}, uerr
			}
			if errors.Is(aerr, context.Canceled) || errors.Is(aerr, context.DeadlineExceeded) || errors.Is(aerr, storage.ErrProtocol) ||
				errors.Is(aerr, storage.ErrNotFound) && !errors.Is(aerr, storage.ErrBucketNotFound) {
				return PublicResult{}, aerr
			}
			pe.ACLReason = s.publicACLReason(ctx, bucket, aerr)
			pe.Err = aerr
		}
	}

	// 2. A bucket-policy statement, verified as well.
	switch {
	case strings.ContainsAny(target, "*?") || strings.Contains(target, "${"):
		pe.PolicyReason = BlockWildcardKey
	case pab.BlockPublicPolicy != nil && *pab.BlockPublicPolicy || pab.RestrictPublicBuckets != nil && *pab.RestrictPublicBuckets:
		pe.PolicyReason = BlockPublicAccessBlock
	case !opts.AllowPolicy:
		pe.NeedsConsent = true
		pe.Msg = fmt.Sprintf("%s. It can be made public with a bucket-policy statement that lets anyone read %s (and nothing else); other statements of the policy stay as they are, and \"Make private\" removes exactly this one. Add it?",
			publicACLWords(bucket, pe.ACLReason), publicWhat(target))
		return PublicResult{}, pe
	default:
		sid, prev, perr := s.publicAddStatement(ctx, bucket, target)
		if perr == nil {
			res.Method, res.Sid = PublicByPolicy, sid
			probe := target
			if folder {
				keys, lerr := s.publicListKeys(ctx, bucket, target, 1)
				if lerr != nil || len(keys) == 0 {
					res.Note = "the folder has no files yet; files put there later are public"
					return res, nil
				}
				probe = keys[0]
			}
			chk, verr := s.publicVerifyKey(ctx, bucket, probe)
			if verr == nil {
				res.Verified, res.Check = true, chk
				return res, nil
			}
			if uerr := s.publicUndoStatement(ctx, bucket, sid, prev); uerr != nil {
				return PublicResult{}, s.publicStatementStill(bucket, target, sid, verr, uerr)
			}
			if !errors.Is(verr, ErrNotPublic) {
				return PublicResult{}, verr
			}
			pe.PolicyReason, pe.Err = BlockPolicyIgnored, verr
			break
		}
		if errors.Is(perr, context.Canceled) {
			return PublicResult{}, perr
		}
		pe.PolicyReason = publicPolicyReason(perr)
		pe.Err = perr
	}

	// 3. Neither works: say why, suggest a presigned link.
	pe.Msg = fmt.Sprintf("%s cannot be made public: %s; and %s. Share a presigned link instead (it works for up to 7 days).",
		publicWhatCap(target), publicACLWords(bucket, pe.ACLReason), publicPolicyWords(pe.PolicyReason))
	return PublicResult{}, pe
}

// MakePrivate undoes MakePublic for target: it removes this app's policy
// statement for exactly that target (leaving every other statement) and sets
// object ACLs back to private where the bucket uses ACLs.
// A folder's ACLs are set back publicACLParallel at a time, stopping when
// ctx ends.
func (s *Service) MakePrivate(ctx context.Context, bucket, target string, opts PrivateOptions) (PrivateResult, error) {
	var res PrivateResult
	if bucket == "" || target == "" {
		return res, &storage.Error{Op: "make private", Bucket: bucket, Kind: storage.ErrInvalidArgument, Msg: "make private: choose a file or a folder"}
	}
	doc, err := s.publicGetPolicy(ctx, bucket)
	switch {
	case err == nil:
		sid := PublicSid(bucket, target)
		kept := doc.Statement[:0:0]
		for _, st := range doc.Statement {
			var head struct {
				Sid      string
				Resource any
			}
			_ = json.Unmarshal(st, &head)
			if head.Sid == sid {
				res.RemovedStatement = true
				continue
			}
			if strings.HasPrefix(head.Sid, "S3DeskPublic") {
				if r, ok := head.Resource.(string); ok && strings.HasSuffix(r, "/*") {
					p := r[strings.Index(r, "/")+1 : len(r)-1]
					if strings.HasPrefix(target, p) {
						res.StillGrantedBy = append(res.StillGrantedBy, fmt.Sprintf("%s (the folder %q)", head.Sid, p))
					}
				}
			}
			kept = append(kept, st)
		}
		if res.RemovedStatement {
			doc.Statement = kept
			if err := s.publicPutPolicy(ctx, bucket, doc); err != nil {
				return res, err
			}
		}
	case errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrNotImplemented):
		// no policy (or none supported): nothing to remove
	default:
		return res, err
	}
	n, err := s.publicSetACL(ctx, bucket, target, types.ObjectCannedACLPrivate, opts.Progress)
	res.ACLReset = n
	if err != nil && !errors.Is(err, storage.ErrACLNotSupported) && !errors.Is(err, storage.ErrNotImplemented) &&
		!(res.RemovedStatement && errors.Is(err, storage.ErrAccessDenied)) {
		return res, err
	}
	return res, nil
}

// PublicCheck is the answer to an anonymous HEAD of a public URL.
type PublicCheck struct {
	URL         string
	Status      int
	ContentType string
	Size        int64
}

// VerifyPublic asks for rawURL with no credentials at all (an HTTP HEAD), as
// a stranger's browser would. A refusal is an *storage.Error wrapping ErrNotPublic
// whose message says so plainly.
func (s *Service) VerifyPublic(ctx context.Context, rawURL string) (PublicCheck, error) {
	chk := PublicCheck{URL: rawURL}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, rawURL, nil)
	if err != nil {
		return chk, &storage.Error{Op: "check public link", Kind: storage.ErrInvalidArgument, Msg: "check public link: not a valid URL", Err: err}
	}
	resp, err := s.svc.HTTPClient().Do(req)
	if err != nil {
		return chk, storage.MapError("check public link", "", "", err)
	}
	resp.Body.Close()
	chk.Status, chk.ContentType, chk.Size = resp.StatusCode, resp.Header.Get("Content-Type"), resp.ContentLength
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return chk, nil
	}
	why := "the service refused it"
	switch resp.StatusCode {
	case http.StatusForbidden:
		why = "the service answered 403 Forbidden: the object is not public (or an account-wide public-access block overrides its ACL or the bucket policy)"
	case http.StatusNotFound:
		why = "the service answered 404 Not Found"
	case http.StatusBadRequest, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		why = fmt.Sprintf("the service answered HTTP %d; the bucket may live in another region or the address style may be wrong", resp.StatusCode)
	default:
		why = fmt.Sprintf("the service answered HTTP %d", resp.StatusCode)
	}
	return chk, &storage.Error{Op: "check public link", Kind: ErrNotPublic, Msg: "nobody without credentials can open this link yet: " + why}
}

// WebsiteURL is the static-website address of bucket/key when the bucket has
// a website configuration, and "" when it has none or the provider offers
// no website endpoint (storage.WebsiteURL knows which do).
func (s *Service) WebsiteURL(ctx context.Context, bucket, key string) (string, error) {
	base, err := s.svc.WebsiteURL(ctx, bucket)
	if errors.Is(err, storage.ErrNoWebsiteEndpoint) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	has, err := s.svc.HasWebsite(ctx, bucket)
	if err != nil || !has {
		return "", err
	}
	return base + "/" + storage.EscapeKey(key), nil
}

// --- helpers -------------------------------------------------------------

func (s *Service) publicAccessBlock(ctx context.Context, bucket string) types.PublicAccessBlockConfiguration {
	b, _ := s.svc.PublicAccessBlock(ctx, bucket) // none, or not supported: the zero value
	return b
}

// publicVerifyKey does VerifyPublic on the public URL of key.
func (s *Service) publicVerifyKey(ctx context.Context, bucket, key string) (PublicCheck, error) {
	u, err := s.PublicURL(bucket, key)
	if err != nil {
		return PublicCheck{}, err
	}
	return s.VerifyPublic(ctx, u)
}

func (s *Service) publicACLReason(ctx context.Context, bucket string, err error) BlockReason {
	if own, oerr := s.svc.ObjectOwnership(ctx, bucket); oerr == nil && own == types.ObjectOwnershipBucketOwnerEnforced {
		return BlockOwnerEnforced
	}
	var e *storage.Error
	switch {
	case errors.As(err, &e) && e.Code == "AccessControlListNotSupported":
		return BlockACLNotSupported
	case errors.Is(err, storage.ErrNotImplemented):
		return BlockNotImplemented
	case errors.Is(err, storage.ErrACLNotSupported):
		return BlockACLNotSupported
	case errors.Is(err, storage.ErrAccessDenied):
		return BlockAccessDenied
	}
	return BlockNotImplemented
}

func publicPolicyReason(err error) BlockReason {
	switch {
	case strings.Contains(strings.ToLower(err.Error()), "public access block"), strings.Contains(strings.ToLower(err.Error()), "blockpublicpolicy"):
		return BlockPublicAccessBlock
	case errors.Is(err, storage.ErrAccessDenied):
		return BlockAccessDenied
	}
	return BlockNotImplemented
}

func publicWhat(target string) string {
	if strings.HasSuffix(target, "/") {
		return fmt.Sprintf("the files in the folder %q", target)
	}
	return fmt.Sprintf("%q", target)
}

func publicWhatCap(target string) string {
	w := publicWhat(target)
	return strings.ToUpper(w[:1]) + w[1:]
}

func publicACLWords(bucket string, r BlockReason) string {
	switch r {
	case BlockOwnerEnforced:
		return fmt.Sprintf("bucket %q does not use ACLs (its object ownership is BucketOwnerEnforced), so a public-read ACL is not possible", bucket)
	case BlockACLNotSupported:
		return fmt.Sprintf("bucket %q refuses ACLs (AccessControlListNotSupported)", bucket)
	case BlockPublicAccessBlock:
		return fmt.Sprintf("bucket %q has a public-access block that refuses public ACLs", bucket)
	case BlockAccessDenied:
		return "this profile may not change the object's ACL (AccessDenied)"
	case BlockEmptyFolder:
		return "the folder has no files yet, so there is no object to give a public-read ACL"
	case BlockACLIgnored:
		return "the service accepted a public-read ACL but still refused an anonymous request, so the ACL was set back to private"
	}
	return "this S3 service does not support object ACLs (NotImplemented)"
}

func publicPolicyWords(r BlockReason) string {
	switch r {
	case BlockWildcardKey:
		return "a bucket policy would read the * or ? in the name as a wildcard and share more than this, so none was added"
	case BlockPublicAccessBlock:
		return "a public-access block on the bucket or account refuses public bucket policies"
	case BlockAccessDenied:
		return "this profile may not change the bucket policy (AccessDenied)"
	case BlockPolicyIgnored:
		return "the service accepted a public bucket-policy statement but still refused an anonymous request (an account-wide public-access block can do that), so the statement was removed again"
	}
	return "this S3 service does not accept a public bucket policy (NotImplemented)"
}
