package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// policiesFile keeps the bucket policies: gofakes3 has none, and without
// them nothing in the sandbox could be made public (the boto3 guide's
// report ends with a public website).
const policiesFile = "policies.json"

// maxPolicySize is S3's limit on a bucket policy.
const maxPolicySize = 20 << 10

// policies are the sandbox's bucket policies, by bucket. They are honoured
// for what "Make public" needs: an anonymous GET or HEAD of an object is let
// through only when a statement allows s3:GetObject to everyone on a
// resource matching the object (and none denies it).
type policies struct {
	mu   sync.Mutex
	path string
	docs map[string]json.RawMessage
}

func loadPolicies(dir string) (*policies, error) {
	p := &policies{path: filepath.Join(dir, policiesFile), docs: map[string]json.RawMessage{}}
	b, err := os.ReadFile(p.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p, nil
	case err != nil:
		return nil, fmt.Errorf("sandbox: cannot read its bucket policies: %w", err)
	}
	if err := json.Unmarshal(b, &p.docs); err != nil {
		return nil, fmt.Errorf("sandbox: its bucket policies file %s is damaged (%v); remove it to start without policies", p.path, err)
	}
	return p, nil
}

func (p *policies) get(bucket string) (json.RawMessage, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, ok := p.docs[bucket]
	return d, ok
}

// set stores doc for bucket (nil removes it) and saves the file.
func (p *policies) set(bucket string, doc json.RawMessage) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	old, had := p.docs[bucket]
	if doc == nil {
		delete(p.docs, bucket)
	} else {
		p.docs[bucket] = doc
	}
	if err := p.saveLocked(); err != nil {
		if had {
			p.docs[bucket] = old
		} else {
			delete(p.docs, bucket)
		}
		return err
	}
	return nil
}

// clear removes every policy (Reset).
func (p *policies) clear() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs = map[string]json.RawMessage{}
	return removeIfExists(p.path)
}

func (p *policies) saveLocked() error {
	b, err := json.Marshal(p.docs)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p.path)
	tmp, err := os.CreateTemp(dir, ".policies-*.tmp")
	if err != nil {
		return fmt.Errorf("sandbox: cannot save the bucket policy: %w", err)
	}
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p.path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("sandbox: cannot save the bucket policy: %w", werr)
	}
	return nil
}

// policyDoc is the part of an IAM policy the sandbox evaluates. Each field
// may be a string or a list in JSON.
type policyDoc struct {
	Version   string                     `json:"Version"`
	Statement oneOrMany[policyStatement] `json:"Statement"`
}

type policyStatement struct {
	Effect    string            `json:"Effect"`
	Principal json.RawMessage   `json:"Principal"`
	Action    oneOrMany[string] `json:"Action"`
	Resource  oneOrMany[string] `json:"Resource"`
	Condition json.RawMessage   `json:"Condition"`
}

// oneOrMany reads a JSON value that is either one T or a list of them.
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var many []T
	if err := json.Unmarshal(b, &many); err == nil {
		*o = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// parsePolicy checks that doc is a policy the sandbox understands.
func parsePolicy(doc []byte) (policyDoc, error) {
	var d policyDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return d, fmt.Errorf("the policy is not valid JSON: %v", err)
	}
	if len(d.Statement) == 0 {
		return d, errors.New("the policy has no Statement")
	}
	for i, st := range d.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return d, fmt.Errorf("statement %d: Effect must be Allow or Deny", i+1)
		}
		if len(st.Action) == 0 || len(st.Resource) == 0 || len(st.Principal) == 0 {
			return d, fmt.Errorf("statement %d needs a Principal, an Action and a Resource", i+1)
		}
	}
	return d, nil
}

// everyone tells whether a Principal is "*" or {"AWS": "*"} (or a list
// holding "*").
func everyone(p json.RawMessage) bool {
	var s string
	if json.Unmarshal(p, &s) == nil {
		return s == "*"
	}
	var m map[string]oneOrMany[string]
	if json.Unmarshal(p, &m) != nil {
		return false
	}
	for _, v := range m["AWS"] {
		if v == "*" {
			return true
		}
	}
	return false
}

// anyMatch tells whether one of the patterns (IAM wildcards * and ?)
// matches s; actions compare without case.
func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			p, s = strings.ToLower(p), strings.ToLower(s)
		}
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches IAM's * (any run, "/" included) and ? (one character).
func wildcard(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}

// allowsAnonymousGet evaluates bucket's policy for an anonymous
// s3:GetObject of key. A statement with a Condition is not taken as an
// Allow (the sandbox cannot evaluate it), but is taken as a Deny.
func (p *policies) allowsAnonymousGet(bucket, key string) bool {
	doc, ok := p.get(bucket)
	if !ok {
		return false
	}
	d, err := parsePolicy(doc)
	if err != nil {
		return false
	}
	res := "arn:aws:s3:::" + bucket + "/" + key
	allowed := false
	for _, st := range d.Statement {
		if !everyone(st.Principal) || !anyMatch(st.Action, "s3:GetObject", true) || !anyMatch(st.Resource, res, false) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		if len(st.Condition) == 0 || string(st.Condition) == "null" {
			allowed = true
		}
	}
	return allowed
}

// servePolicy answers GetBucketPolicy, PutBucketPolicy and
// DeleteBucketPolicy for bucket, as S3 does.
func (s *Sandbox) servePolicy(w http.ResponseWriter, r *http.Request, h http.Handler, bucket string) {
	if !s.bucketExists(h, r, bucket) {
		writeError(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	switch r.Method {
	case http.MethodGet:
		doc, ok := s.policies.get(bucket)
		if !ok {
			writeError(w, http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	case http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPolicySize+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, "IncompleteBody", "The request body could not be read")
			return
		}
		if len(body) > maxPolicySize {
			writeError(w, http.StatusBadRequest, "PolicyTooLarge", "Policies must be no more than 20 KB")
			return
		}
		if _, err := parsePolicy(body); err != nil {
			writeError(w, http.StatusBadRequest, "MalformedPolicy", xmlText(err.Error()))
			return
		}
		if err := s.policies.set(bucket, json.RawMessage(body)); err != nil {
			writeError(w, http.StatusInternalServerError, "InternalError", xmlText(err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		if err := s.policies.set(bucket, nil); err != nil {
			writeError(w, http.StatusInternalServerError, "InternalError", xmlText(err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource")
	}
}

// bucketExists asks gofakes3 with a HEAD of the bucket.
func (s *Sandbox) bucketExists(h http.Handler, r *http.Request, bucket string) bool {
	req := httptest.NewRequestWithContext(r.Context(), http.MethodHead, "/"+bucket, nil)
	req.Header.Set("Authorization", r.Header.Get("Authorization"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code/100 == 2
}

// splitPath is a path-style request's bucket and key.
func splitPath(p string) (bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// anonymousRead tells whether r is an unsigned GET or HEAD of an object.
func anonymousRead(r *http.Request) (bucket, key string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", "", false
	}
	if r.Header.Get("Authorization") != "" || r.URL.Query().Get("X-Amz-Credential") != "" {
		return "", "", false
	}
	for k := range r.URL.Query() {
		// Sub-resources (?acl, ?tagging, ...) are not GetObject.
		if !strings.HasPrefix(k, "response-") && k != "versionId" && k != "partNumber" {
			return "", "", false
		}
	}
	bucket, key = splitPath(r.URL.Path)
	if bucket == "" || key == "" {
		return "", "", false
	}
	return bucket, key, true
}

func xmlText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
