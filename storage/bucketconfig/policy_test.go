package bucketconfig_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"s3desk/storage"
	"s3desk/storage/bucketconfig"
	"s3desk/storage/s3test"
	"s3desk/storage/share"
)

func TestValidatePolicySyntaxPosition(t *testing.T) {
	cases := []struct {
		text      string
		line, col int
	}{
		// a missing comma between two members: the second key is where it breaks
		{"{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", 3, 3},
		// a trailing comma before }
		{"{\"Version\": \"2012-10-17\",}", 1, 26},
		// a stray character after unicode on the same line: columns count characters
		{"{\n \"Sid\": \"ünïcödé\" x\n}", 2, 19},
		// single quotes
		{"{\n\t'Version': 1}", 2, 2},
		// the text ends in the middle
		{"{\n  \"Statement\": [\n", 3, 1},
		// something after the policy
		{"{}\n}", 2, 1},
	}
	for _, c := range cases {
		_, err := bucketconfig.ValidatePolicy(c.text)
		var se *bucketconfig.PolicySyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: not a syntax error: %v", c.text, err)
			continue
		}
		if se.Line != c.line || se.Col != c.col {
			t.Errorf("%q: at line %d column %d, want %d:%d (%v)", c.text, se.Line, se.Col, c.line, c.col, err)
		}
		if !strings.HasPrefix(err.Error(), "line ") {
			t.Errorf("message %q", err)
		}
	}
}

func TestValidatePolicyShape(t *testing.T) {
	bad := map[string]string{
		`[]`:                       "is a JSON object",
		`{"Version":"2012-10-17"}`: "has no Statement",
		`{"Statement":[]}`:         "Statement list is empty",
		`{"Version":"2020-01-01","Statement":[]}`:                                                   "use \"2012-10-17\"",
		`{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"x"}]}`: "Effect must be",
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"x"}]}`:                 "has no Principal",
		`{"Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Resource":"x"}]}`:               `statement 1 ("S") has no Action`,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`:                "has no Resource",
	}
	for text, want := range bad {
		if _, err := bucketconfig.ValidatePolicy(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", text, err, want)
		}
	}
	if rep, err := bucketconfig.ValidatePolicy("  \n"); err != nil || !rep.Empty {
		t.Errorf("blank: %+v %v", rep, err)
	}
}

func TestValidatePolicyAnonymous(t *testing.T) {
	sid := share.PublicSid("site", "docs/")
	text := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"` + sid + `","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/docs/*"},` +
		`{"Sid":"Legacy","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::site","arn:aws:s3:::site/*"],"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},` +
		`{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:*","Resource":"arn:aws:s3:::site/*"},` +
		`{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::site/*"}]}`
	rep, err := bucketconfig.ValidatePolicy(text)
	if err != nil {
		t.Fatal(err)
	}
	anon := rep.Anonymous()
	if len(rep.Statements) != 4 || len(anon) != 2 {
		t.Fatalf("statements %d, anonymous %+v", len(rep.Statements), anon)
	}
	if !anon[0].MadeByS3Desk || anon[1].MadeByS3Desk || anon[1].Sid != "Legacy" || !anon[1].Conditional {
		t.Fatalf("anonymous: %+v", anon)
	}
	if l := anon[0].Label(); !strings.Contains(l, "added by S3 Desk's Make public") || !strings.Contains(l, "arn:aws:s3:::site/docs/*") {
		t.Errorf("label %q", l)
	}
	if l := anon[1].Label(); l != "Legacy: anyone may s3:GetObject, s3:ListBucket on arn:aws:s3:::site, arn:aws:s3:::site/* (with conditions)" {
		t.Errorf("label %q", l)
	}
	if !strings.HasPrefix(rep.Pretty, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \""+sid) {
		t.Errorf("pretty:\n%s", rep.Pretty)
	}
	if back, err := bucketconfig.ValidatePolicy(rep.Pretty); err != nil || len(back.Anonymous()) != 2 {
		t.Errorf("pretty does not validate: %v", err)
	}
}

func TestPolicyRoundTrip(t *testing.T) {
	for _, srv := range []*s3test.Server{s3test.StartVersity(t), s3test.StartMinIO(t)} {
		t.Run(srv.Kind, func(t *testing.T) {
			ctx := context.Background()
			svc, b := srv.Service(t), srv.Bucket(t)
			cfg := bucketconfig.New(svc)
			if p, err := cfg.Policy(ctx, b); err != nil || p != "" {
				t.Fatalf("fresh: %q %v", p, err)
			}
			text := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + b + `/pub/*"]}]}`
			err := cfg.PutPolicy(ctx, b, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ }")
			var se *bucketconfig.PolicySyntaxError
			if !errors.Is(err, storage.ErrInvalidArgument) || !errors.As(err, &se) || se.Line != 3 || se.Col != 18 {
				t.Fatalf("bad JSON: %v", err)
			}
			if p, _ := cfg.Policy(ctx, b); p != "" {
				t.Fatalf("bad JSON was saved: %q", p)
			}
			if err := cfg.PutPolicy(ctx, b, text); err != nil {
				t.Fatalf("put: %v", err)
			}
			got, err := cfg.Policy(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := bucketconfig.ValidatePolicy(got)
			if err != nil || len(rep.Anonymous()) != 1 || rep.Anonymous()[0].Sid != "PublicRead" {
				t.Fatalf("read back %q: %+v %v", got, rep, err)
			}
			if err := cfg.PutPolicy(ctx, b, ""); err != nil {
				t.Fatalf("blank removes: %v", err)
			}
			if p, err := cfg.Policy(ctx, b); err != nil || p != "" {
				t.Fatalf("after remove: %q %v", p, err)
			}
			if err := cfg.DeletePolicy(ctx, b); err != nil {
				t.Fatalf("removing no policy: %v", err)
			}
		})
	}
}
