package storage

import "mime"

// decodeMetadata undoes the RFC 2047 encoding ("=?UTF-8?q?zo=C3=AB?=") that
// AWS S3 and MinIO apply to user metadata values with non-ASCII characters
// when they return them, so a value reads back as it was written ("zoë").
// Values that are not encoded words are kept as they are.
func decodeMetadata(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	var dec mime.WordDecoder
	out := make(map[string]string, len(m))
	for k, v := range m {
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		out[k] = v
	}
	return out
}
