package storage

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/aws/smithy-go/logging"
)

// slogAdapter hands the SDK's log lines to the app's logger, scrubbed of
// anything that looks like a credential.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	a.l.Log(context.Background(), level, scrub(fmt.Sprintf(format, v...)), "source", "aws-sdk")
}

var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)(authorization:?\s*)[^\r\n]*`),
	regexp.MustCompile(`(?i)(x-amz-security-token[=:]\s*)[^&\s\r\n]*`),
	regexp.MustCompile(`(?i)(x-amz-signature[=:]\s*)[^&\s\r\n]*`),
	regexp.MustCompile(`(?i)(x-amz-credential[=:]\s*)[^&\s\r\n]*`),
	regexp.MustCompile(`(?i)(signature=)[0-9a-f]+`),
	regexp.MustCompile(`(?i)(aws_secret_access_key\s*=\s*)\S+`),
	regexp.MustCompile(`(?i)(aws_session_token\s*=\s*)\S+`),
}

// scrub removes Authorization headers, signatures and tokens from text that
// may end up in a log or an error message.
func scrub(s string) string {
	for _, re := range secretPatterns {
		s = re.ReplaceAllString(s, "${1}[redacted]")
	}
	return s
}
