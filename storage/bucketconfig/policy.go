package bucketconfig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"s3desk/storage"
)

// MakePublicSidPrefix begins the Sid of every statement S3 Desk's "Make
// public" adds (storage/share.PublicSid).
const MakePublicSidPrefix = "S3DeskPublic"

// PolicySyntaxError is a bucket policy that is not JSON, with the position
// of the problem (1-based; the column counts characters).
type PolicySyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *PolicySyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// PolicyStatement is one statement of a policy, as the editor lists it.
type PolicyStatement struct {
	Index     int // 0-based position in Statement
	Sid       string
	Effect    string
	Actions   []string
	Resources []string
	// Anonymous: an Allow whose Principal is "*" or {"AWS": "*"}: anyone,
	// without credentials, gets Actions on Resources.
	Anonymous bool
	// Conditional: the statement has a Condition that may narrow it.
	Conditional bool
	// MadeByS3Desk: added by S3 Desk's "Make public" (its Sid).
	MadeByS3Desk bool
}

// Label is the statement in a line for the list of anonymous grants.
func (st PolicyStatement) Label() string {
	name := st.Sid
	if name == "" {
		name = fmt.Sprintf("statement %d", st.Index+1)
	}
	s := fmt.Sprintf("%s: anyone may %s on %s", name, strings.Join(st.Actions, ", "), strings.Join(st.Resources, ", "))
	if st.Conditional {
		s += " (with conditions)"
	}
	if st.MadeByS3Desk {
		s += " — added by S3 Desk's Make public"
	}
	return s
}

// PolicyReport is what ValidatePolicy found in a valid policy.
type PolicyReport struct {
	Empty      bool   // no policy (blank text)
	Pretty     string // the policy indented by two spaces, keys in their order
	Statements []PolicyStatement
}

// Anonymous are the statements that grant anonymous access.
func (r PolicyReport) Anonymous() []PolicyStatement {
	var out []PolicyStatement
	for _, st := range r.Statements {
		if st.Anonymous {
			out = append(out, st)
		}
	}
	return out
}

// ValidatePolicy checks a bucket policy's text: JSON (a *PolicySyntaxError
// with line and column otherwise), then the shape S3 expects (a Statement
// of objects with Effect, Principal, Action and Resource). Blank text is an
// empty policy.
func ValidatePolicy(text string) (PolicyReport, error) {
	if strings.TrimSpace(text) == "" {
		return PolicyReport{Empty: true}, nil
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return PolicyReport{}, syntaxError(text, err)
	}
	if off := dec.InputOffset(); strings.TrimSpace(text[off:]) != "" {
		rest := off + int64(len(text[off:])-len(strings.TrimLeft(text[off:], " \t\r\n")))
		return PolicyReport{}, at(text, rest, "unexpected text after the end of the policy")
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return PolicyReport{}, errors.New("a bucket policy is a JSON object: { \"Version\": ..., \"Statement\": [...] }")
	}
	if v, has := top["Version"]; has && v != "2012-10-17" && v != "2008-10-17" {
		return PolicyReport{}, fmt.Errorf("the Version is %v; use \"2012-10-17\"", v)
	}
	var raw []any
	switch st := top["Statement"].(type) {
	case nil:
		return PolicyReport{}, errors.New("the policy has no Statement")
	case []any:
		raw = st
	case map[string]any:
		raw = []any{st}
	default:
		return PolicyReport{}, errors.New("the Statement is neither an object nor a list of objects")
	}
	if len(raw) == 0 {
		return PolicyReport{}, errors.New("the Statement list is empty; remove the policy instead, or add a statement")
	}
	rep := PolicyReport{}
	for i, r := range raw {
		st, err := statement(i, r)
		if err != nil {
			return PolicyReport{}, err
		}
		rep.Statements = append(rep.Statements, st)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(strings.TrimSpace(text)), "", "  "); err == nil {
		rep.Pretty = buf.String()
	}
	return rep, nil
}

func statement(i int, r any) (PolicyStatement, error) {
	m, ok := r.(map[string]any)
	name := fmt.Sprintf("statement %d", i+1)
	if !ok {
		return PolicyStatement{}, fmt.Errorf("%s is not an object", name)
	}
	st := PolicyStatement{Index: i}
	if sid, ok := m["Sid"].(string); ok {
		st.Sid = sid
		name = fmt.Sprintf("statement %d (%q)", i+1, sid)
	}
	st.Effect, _ = m["Effect"].(string)
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return st, fmt.Errorf("%s: Effect must be \"Allow\" or \"Deny\"", name)
	}
	_, p := m["Principal"]
	_, np := m["NotPrincipal"]
	if !p && !np {
		return st, fmt.Errorf("%s has no Principal; a bucket policy says whom it applies to (\"*\" for anyone)", name)
	}
	acts, okA := strs(m["Action"])
	nacts, okNA := strs(m["NotAction"])
	if !okA && !okNA {
		return st, fmt.Errorf("%s has no Action (such as \"s3:GetObject\")", name)
	}
	st.Actions = acts
	if !okA {
		st.Actions = []string{"anything but " + strings.Join(nacts, ", ")}
	}
	res, okR := strs(m["Resource"])
	nres, okNR := strs(m["NotResource"])
	if !okR && !okNR {
		return st, fmt.Errorf("%s has no Resource (such as \"arn:aws:s3:::bucket/*\")", name)
	}
	st.Resources = res
	if !okR {
		st.Resources = []string{"anything but " + strings.Join(nres, ", ")}
	}
	_, st.Conditional = m["Condition"]
	st.Anonymous = st.Effect == "Allow" && p && anyone(m["Principal"])
	st.MadeByS3Desk = strings.HasPrefix(st.Sid, MakePublicSidPrefix)
	return st, nil
}

// anyone tells whether a Principal is everyone: "*", {"AWS": "*"} or a
// list holding "*".
func anyone(p any) bool {
	switch v := p.(type) {
	case string:
		return v == "*"
	case map[string]any:
		list, _ := strs(v["AWS"])
		for _, s := range list {
			if s == "*" {
				return true
			}
		}
	}
	return false
}

// strs reads a string or a list of strings.
func strs(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	return nil, false
}

// syntaxError places a JSON decoding error in the text.
func syntaxError(text string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := se.Offset - 1 // the offending byte is the last one read
		if off < 0 {
			off = 0
		}
		return at(text, off, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		return at(text, te.Offset, strings.TrimPrefix(te.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return at(text, int64(len(text)), "the policy ends too early (a missing } or ], or an unfinished string)")
	}
	return at(text, 0, err.Error())
}

// at is a *PolicySyntaxError at byte offset off of text.
func at(text string, off int64, msg string) *PolicySyntaxError {
	if off > int64(len(text)) {
		off = int64(len(text))
	}
	before := text[:off]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &PolicySyntaxError{Line: line, Col: col, Msg: msg}
}

// Policy reads bucket's policy text ("" when it has none).
func (s *Service) Policy(ctx context.Context, bucket string) (string, error) {
	text, err := s.svc.BucketPolicy(ctx, bucket)
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrBucketNotFound) {
		return "", nil
	}
	if err != nil {
		return "", mapErr("read the bucket policy", FeaturePolicy, bucket, err)
	}
	return text, nil
}

// PutPolicy validates text and makes it bucket's policy; blank text removes
// the policy.
func (s *Service) PutPolicy(ctx context.Context, bucket, text string) error {
	const op = "save the bucket policy"
	rep, err := ValidatePolicy(text)
	if err != nil {
		return invalid(op, bucket, err)
	}
	if rep.Empty {
		return s.DeletePolicy(ctx, bucket)
	}
	return mapErr(op, FeaturePolicy, bucket, s.svc.PutBucketPolicy(ctx, bucket, text))
}

// DeletePolicy removes bucket's policy (none is not an error).
func (s *Service) DeletePolicy(ctx context.Context, bucket string) error {
	err := s.svc.DeleteBucketPolicy(ctx, bucket)
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrBucketNotFound) {
		return nil
	}
	return mapErr("remove the bucket policy", FeaturePolicy, bucket, err)
}
