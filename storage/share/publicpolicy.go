package share

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"s3desk/storage"
)

// sharePolicyDoc is a bucket policy read for editing: the top-level fields stay
// as they were, and each statement is kept byte for byte unless removed.
type sharePolicyDoc struct {
	Top       map[string]json.RawMessage
	Statement []json.RawMessage
}

// shareParsePolicy reads a bucket policy. An empty text is an empty policy.
func shareParsePolicy(text string) (sharePolicyDoc, error) {
	doc := sharePolicyDoc{Top: map[string]json.RawMessage{}}
	if strings.TrimSpace(text) == "" {
		return doc, nil
	}
	if err := json.Unmarshal([]byte(text), &doc.Top); err != nil {
		return doc, fmt.Errorf("the bucket policy is not valid JSON: %w", err)
	}
	raw := bytes.TrimSpace(doc.Top["Statement"])
	delete(doc.Top, "Statement")
	switch {
	case len(raw) == 0:
	case raw[0] == '[':
		if err := json.Unmarshal(raw, &doc.Statement); err != nil {
			return doc, fmt.Errorf("the bucket policy's statements are not valid: %w", err)
		}
	case raw[0] == '{':
		doc.Statement = []json.RawMessage{raw}
	default:
		return doc, errors.New("the bucket policy's Statement is neither an object nor a list")
	}
	return doc, nil
}

// text writes the policy back; Version defaults to 2012-10-17.
func (d sharePolicyDoc) text() (string, error) {
	top := map[string]json.RawMessage{}
	for k, v := range d.Top {
		top[k] = v
	}
	if _, ok := top["Version"]; !ok {
		top["Version"] = json.RawMessage(`"2012-10-17"`)
	}
	st, err := json.Marshal(d.Statement)
	if err != nil {
		return "", err
	}
	top["Statement"] = st
	b, err := json.Marshal(top)
	return string(b), err
}

// shareStatementSid is the Sid of one raw statement, or "".
func shareStatementSid(st json.RawMessage) string {
	var head struct{ Sid string }
	_ = json.Unmarshal(st, &head)
	return head.Sid
}

// publicStatement grants anonymous s3:GetObject on exactly the key, or on
// prefix/* for a folder target.
func (s *Service) publicStatement(bucket, target string) (json.RawMessage, string, error) {
	sid := PublicSid(bucket, target)
	res := "arn:" + s.svc.Partition() + ":s3:::" + bucket + "/" + target
	if strings.HasSuffix(target, "/") {
		res += "*"
	}
	st := struct {
		Sid       string
		Effect    string
		Principal string
		Action    string
		Resource  string
	}{sid, "Allow", "*", "s3:GetObject", res}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(st); err != nil {
		return nil, "", err
	}
	return json.RawMessage(bytes.TrimSpace(buf.Bytes())), sid, nil
}

// publicGetPolicy reads the bucket policy; storage.ErrNotFound when there is none.
func (s *Service) publicGetPolicy(ctx context.Context, bucket string) (sharePolicyDoc, error) {
	text, err := s.svc.BucketPolicy(ctx, bucket)
	if err != nil {
		return sharePolicyDoc{}, err
	}
	doc, err := shareParsePolicy(text)
	if err != nil {
		return doc, &storage.Error{Op: "read the bucket policy", Bucket: bucket, Kind: storage.ErrProtocol,
			Msg: fmt.Sprintf("the policy of bucket %q could not be read (%v); it was left untouched", bucket, err), Err: err}
	}
	return doc, nil
}

// publicPutPolicy writes doc, or deletes the policy when no statement is left.
func (s *Service) publicPutPolicy(ctx context.Context, bucket string, doc sharePolicyDoc) error {
	if len(doc.Statement) == 0 {
		return s.svc.DeleteBucketPolicy(ctx, bucket)
	}
	text, err := doc.text()
	if err != nil {
		return &storage.Error{Op: "write the bucket policy", Bucket: bucket, Kind: storage.ErrInvalidArgument, Msg: "could not write the bucket policy: " + err.Error(), Err: err}
	}
	return s.svc.PutBucketPolicy(ctx, bucket, text)
}

// publicAddStatement merges the public statement for target into the bucket
// policy, replacing an earlier copy of the same statement only. prev is that
// earlier copy (nil when there was none), for publicUndoStatement.
func (s *Service) publicAddStatement(ctx context.Context, bucket, target string) (sid string, prev json.RawMessage, err error) {
	doc, err := s.publicGetPolicy(ctx, bucket)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return "", nil, err
	}
	if err != nil {
		doc = sharePolicyDoc{Top: map[string]json.RawMessage{}}
	}
	st, sid, err := s.publicStatement(bucket, target)
	if err != nil {
		return "", nil, err
	}
	kept := doc.Statement[:0:0]
	for _, x := range doc.Statement {
		if shareStatementSid(x) != sid {
			kept = append(kept, x)
		} else if prev == nil {
			prev = x
		}
	}
	doc.Statement = append(kept, st)
	return sid, prev, s.publicPutPolicy(ctx, bucket, doc)
}

// publicUndoStatement undoes publicAddStatement exactly: the statement sid
// goes, and prev (the copy that was there before, if any) comes back. Every
// other statement stays as it is now. It runs even when ctx has ended.
func (s *Service) publicUndoStatement(ctx context.Context, bucket, sid string, prev json.RawMessage) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publicUndoTimeout)
	defer cancel()
	doc, err := s.publicGetPolicy(ctx, bucket)
	if errors.Is(err, storage.ErrNotFound) && prev == nil {
		return nil // no policy left: nothing of ours is in place
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err != nil {
		doc = sharePolicyDoc{Top: map[string]json.RawMessage{}}
	}
	kept := doc.Statement[:0:0]
	for _, x := range doc.Statement {
		if shareStatementSid(x) != sid {
			kept = append(kept, x)
		}
	}
	if prev != nil {
		kept = append(kept, prev)
	} else if len(kept) == len(doc.Statement) {
		return nil // not there (any more)
	}
	doc.Statement = kept
	return s.publicPutPolicy(ctx, bucket, doc)
}

// publicStatementStill is the error for a statement an undo could not remove.
func (s *Service) publicStatementStill(bucket, target, sid string, cause, err error) error {
	res := "arn:" + s.svc.Partition() + ":s3:::" + bucket + "/" + target
	if strings.HasSuffix(target, "/") {
		res += "*"
	}
	why := "it was stopped"
	if cause != nil && !errors.Is(cause, context.Canceled) {
		why = strings.TrimSuffix(cause.Error(), ".")
	}
	return &StillPublicError{Bucket: bucket, Target: target, Sid: sid, Resource: res, Cause: cause, Err: err,
		Msg: fmt.Sprintf("Making %s public did not complete (%s), and removing the bucket-policy statement %s again failed, so it is still in place and anyone can read %s (%s). Use \"Make private\" on %q, or remove that statement in your S3 console. The undo failed with: %v",
			publicWhat(target), why, sid, publicWhat(target), res, target, err)}
}

// RemovePublicStatement removes the statement sid from the bucket policy,
// leaving the others; it reports whether it was there.
func (s *Service) RemovePublicStatement(ctx context.Context, bucket, sid string) (bool, error) {
	doc, err := s.publicGetPolicy(ctx, bucket)
	if err != nil {
		return false, err
	}
	kept := doc.Statement[:0:0]
	for _, x := range doc.Statement {
		if shareStatementSid(x) != sid {
			kept = append(kept, x)
		}
	}
	if len(kept) == len(doc.Statement) {
		return false, nil
	}
	doc.Statement = kept
	return true, s.publicPutPolicy(ctx, bucket, doc)
}
