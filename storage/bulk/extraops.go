package bulk

import (
	"fmt"

	"s3desk/storage"
)

// extraOperation builds the storage-class, tag and restore operations.
func extraOperation(spec Spec, _ Store) (Operation, error) {
	return nil, &storage.Error{Op: "bulk " + string(spec.Op), Bucket: spec.Source.Bucket, Kind: storage.ErrNotImplemented,
		Msg: fmt.Sprintf("bulk %s is not available in this build", spec.Op)}
}
