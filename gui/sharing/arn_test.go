package sharing

import "testing"

type cnStore struct{ ShareStore }

func (cnStore) Partition() string { return "aws-cn" }

// The ARN shown before adding a policy statement is in the service's
// partition, not always "aws".
func TestObjectARNUsesTheServicePartition(t *testing.T) {
	if got := objectARN(cnStore{}, "b", "docs/*"); got != "arn:aws-cn:s3:::b/docs/*" {
		t.Fatalf("China region: %q", got)
	}
	if got := objectARN(nil, "b", "k.txt"); got != "arn:aws:s3:::b/k.txt" {
		t.Fatalf("no service: %q", got)
	}
}
