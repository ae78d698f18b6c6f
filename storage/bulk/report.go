package bulk

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteFailuresCSV writes the failed keys as CSV: bucket,key,size,error,
// with a header row.
func (j *Job) WriteFailuresCSV(w io.Writer) error {
	fs, err := j.Failures()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"bucket", "key", "size", "error"})
	for _, f := range fs {
		_ = cw.Write([]string{j.spec.Source.Bucket, f.Key, strconv.FormatInt(f.Size, 10), f.Err})
	}
	cw.Flush()
	return cw.Error()
}

// CommandFile is a job written out for rclone, to run on a bigger machine:
// the list of keys (rclone --files-from-raw: one path per line, relative
// to the source folder) and the command line that runs it.
type CommandFile struct {
	Command string
	// Unsupported is set when rclone has no equivalent of the operation
	// (then Command is empty).
	Unsupported string
}

// ExportCommand writes the keys of spec (listed as the dry run lists them)
// to w, one per line relative to spec.BasePrefix, and returns the rclone
// command that runs the job over that list. remote is the rclone remote's
// name for this account (e.g. "s3"), listFile the path the list will be
// saved under. Keys holding a newline cannot be expressed in such a list:
// they are an error.
func ExportCommand(ctx context.Context, store Store, spec Spec, remote, listFile string, w io.Writer) (CommandFile, error) {
	bw := bufio.NewWriter(w)
	var bad string
	_, err := DryRun(ctx, store, spec, func(it Item) {
		rel := strings.TrimPrefix(it.Key, spec.BasePrefix)
		if strings.ContainsAny(rel, "\n\r") && bad == "" {
			bad = it.Key
		}
		bw.WriteString(rel)
		bw.WriteByte('\n')
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return CommandFile{}, err
	}
	if bad != "" {
		return CommandFile{}, fmt.Errorf("the key %q holds a line break, which an rclone list cannot express; run this job in S3 Desk", bad)
	}
	src := remote + ":" + spec.Source.Bucket + "/" + spec.BasePrefix
	q := shellQuote
	files := "--files-from-raw " + q(listFile)
	var cmd string
	switch spec.Op {
	case Delete:
		cmd = fmt.Sprintf("rclone delete %s %s", q(src), files)
	case Copy, Move:
		d := spec.Dest("")
		verb := "copy"
		if spec.Op == Move {
			verb = "move"
		}
		cmd = fmt.Sprintf("rclone %s %s %s %s --transfers 32 --checkers 32", verb, q(src), q(remote+":"+d.Bucket+"/"+d.Key), files)
	case StorageClass:
		cmd = fmt.Sprintf("rclone settier %s %s %s", q(spec.Class), q(src), files)
	case Metadata:
		var flags []string
		if spec.Metadata.ContentType != "" {
			flags = append(flags, "--metadata-set "+q("content-type="+spec.Metadata.ContentType))
		}
		if spec.Metadata.CacheControl != "" {
			flags = append(flags, "--metadata-set "+q("cache-control="+spec.Metadata.CacheControl))
		}
		for k, v := range spec.Metadata.Metadata {
			flags = append(flags, "--metadata-set "+q(k+"="+v))
		}
		cmd = fmt.Sprintf("rclone copy --metadata %s --s3-no-check-bucket --ignore-times %s %s %s", strings.Join(flags, " "), q(src), q(src), files)
	case Restore:
		cmd = fmt.Sprintf("rclone backend restore %s -o priority=%s -o lifetime=%d %s", q(src), q(orDefault(spec.RestoreTier, "Standard")), spec.RestoreDays, files)
	default:
		return CommandFile{Unsupported: fmt.Sprintf("rclone has no bulk %s; run this job in S3 Desk", spec.Op)}, nil
	}
	return CommandFile{Command: cmd}, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
