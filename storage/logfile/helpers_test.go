package logfile_test

import "log/slog"

func slogGroup(secret string) slog.Attr {
	return slog.Group("req", slog.String("token", secret), slog.Any("v", []string{secret}))
}
