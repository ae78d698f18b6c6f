package storage

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"

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

// ScrubHandler is a slog.Handler that scrubs every message and attribute
// as the SDK's lines are scrubbed (Authorization headers, signatures,
// tokens), and also replaces any secret it was told of with Forget. The GUI
// wraps its log file's handler in one, so no credential reaches the disk.
type ScrubHandler struct {
	h     slog.Handler
	known *knownSecrets
}

type knownSecrets struct {
	mu sync.RWMutex
	s  []string
}

// NewScrubHandler wraps h.
func NewScrubHandler(h slog.Handler) *ScrubHandler {
	return &ScrubHandler{h: h, known: &knownSecrets{}}
}

// minSecret is the shortest value Forget takes: shorter strings would blank
// ordinary words.
const minSecret = 8

// Forget tells the handler values that must never be written (a profile's
// secret access key and session token); empty and very short values are
// ignored. It is safe for concurrent use.
func (h *ScrubHandler) Forget(secrets ...string) {
	h.known.mu.Lock()
	defer h.known.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minSecret && !slices.Contains(h.known.s, s) {
			h.known.s = append(h.known.s, s)
		}
	}
}

func (h *ScrubHandler) clean(s string) string {
	s = scrub(s)
	h.known.mu.RLock()
	defer h.known.mu.RUnlock()
	for _, k := range h.known.s {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func (h *ScrubHandler) cleanAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, x := range g {
			out[i] = h.cleanAttr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.clean(err.Error()))
		}
		return slog.String(a.Key, h.clean(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Enabled implements slog.Handler.
func (h *ScrubHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *ScrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.cleanAttr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *ScrubHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = h.cleanAttr(a)
	}
	return &ScrubHandler{h: h.h.WithAttrs(out), known: h.known}
}

// WithGroup implements slog.Handler.
func (h *ScrubHandler) WithGroup(name string) slog.Handler {
	return &ScrubHandler{h: h.h.WithGroup(name), known: h.known}
}
