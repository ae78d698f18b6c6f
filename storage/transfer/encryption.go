package transfer

import (
	"fmt"

	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"

	"s3desk/storage"
)

// encryptUpload puts the batch's server-side encryption on an upload; the
// transfer manager carries it to PutObject, CreateMultipartUpload and, for
// SSE-C, every UploadPart and CompleteMultipartUpload.
func encryptUpload(in *tm.UploadObjectInput, enc storage.ObjectEncryption) {
	in.ServerSideEncryption = tmtypes.ServerSideEncryption(enc.ServerSide())
	in.SSEKMSKeyID = enc.KMSKey()
	in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = enc.CustomerHeaders()
}

// RememberCustomerKey keeps an SSE-C key in memory for this engine's life,
// so that an interrupted upload encrypted with it can resume. Keys are
// never written anywhere.
func (e *Engine) RememberCustomerKey(enc storage.ObjectEncryption) { e.rememberKey(enc) }

func (e *Engine) rememberKey(enc storage.ObjectEncryption) {
	m := enc.KeyMD5()
	if m == "" {
		return
	}
	e.keysMu.Lock()
	defer e.keysMu.Unlock()
	if e.keys == nil {
		e.keys = map[string]storage.ObjectEncryption{}
	}
	e.keys[m] = enc
}

// customerKey is the key an upload record needs: none for uploads without
// SSE-C; ok false when it is SSE-C and the key is not in memory.
func (e *Engine) customerKey(r *uploadRecord) (storage.ObjectEncryption, bool) {
	if r.SSECKeyMD5 == "" {
		return storage.ObjectEncryption{}, true
	}
	e.keysMu.Lock()
	defer e.keysMu.Unlock()
	enc, ok := e.keys[r.SSECKeyMD5]
	return enc, ok
}

// NeedsCustomerKey tells whether the interrupted upload id is encrypted
// with a customer key that is not in memory (the app was restarted): the
// user must enter it (RememberCustomerKey) before Resume.
func (e *Engine) NeedsCustomerKey(id string) bool {
	r, err := e.journal.load(id)
	if err != nil {
		return false
	}
	_, ok := e.customerKey(r)
	return !ok
}

func needKey(r *uploadRecord) error {
	return &storage.Error{Op: "resume upload", Bucket: r.Bucket, Key: r.Key, Kind: storage.ErrCustomerKey,
		Msg: fmt.Sprintf("resume upload: %q is encrypted with a customer key (SSE-C), which S3 Desk keeps only in memory and no longer has; enter the same key to resume, or discard the upload", r.Key)}
}

// encryptionConfirmed tells whether the server's answer to an upload says
// it applied the encryption asked for (S3 echoes x-amz-server-side-encryption
// or the SSE-C algorithm). Some S3-compatible servers ignore the headers
// and store the file unencrypted.
func encryptionConfirmed(out *tm.UploadObjectOutput, enc storage.ObjectEncryption) bool {
	switch enc.Mode {
	case storage.SSEDefault:
		return true
	case storage.SSECustomer:
		return out != nil && out.SSECustomerAlgorithm != nil && *out.SSECustomerAlgorithm != ""
	}
	return out != nil && string(out.ServerSideEncryption) == string(enc.ServerSide())
}

func unconfirmedNote(enc storage.ObjectEncryption) string {
	return "the server did not confirm " + string(enc.Mode) + " encryption; it may have stored the file unencrypted"
}
