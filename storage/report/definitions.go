package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/atomicfile"
)

// DefinitionsFile is the name of the saved report definitions, beside the
// profiles in the app's config folder.
const DefinitionsFile = "reports.json"

// Definition is a saved monthly report: where its CSVs come from, what goes
// into it and where it is published. It holds no credentials: the profile
// it belongs to connects.
type Definition struct {
	Name         string `json:"name"`
	SourceBucket string `json:"source_bucket"`
	SourcePrefix string `json:"source_prefix"`
	// Pattern picks the source files by name ("*.csv" when empty).
	Pattern     string     `json:"pattern,omitempty"`
	Columns     []string   `json:"columns,omitempty"` // nil: all
	RenderLinks bool       `json:"render_links"`
	Chart       *ChartSpec `json:"chart,omitempty"`
	DestBucket  string     `json:"dest_bucket"`
	DestPrefix  string     `json:"dest_prefix"`
	// IncludeSources also copies the month's source files under
	// DestPrefix + "data/".
	IncludeSources bool `json:"include_sources,omitempty"`
	Public         bool `json:"public"`
	// AllowPolicy records the user's consent to a bucket-policy statement
	// for each month's folder, where object ACLs do not work.
	AllowPolicy bool      `json:"allow_policy,omitempty"`
	Title       string    `json:"title,omitempty"`
	Saved       time.Time `json:"saved"`
	LastRun     string    `json:"last_run,omitempty"` // the source prefix of the last run
}

// ForSource is the definition run on another month's folder: the source
// prefix becomes prefix, and the month's folder name in the destination
// prefix and title is replaced the same way ("reports/22_Sept/" becomes
// "reports/22_Oct/" for "22_Oct/").
func (d Definition) ForSource(prefix string) Definition {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	oldName, newName := lastSegment(d.SourcePrefix), lastSegment(prefix)
	out := d
	out.Columns = slices.Clone(d.Columns)
	if d.Chart != nil {
		c := *d.Chart
		out.Chart = &c
	}
	out.SourcePrefix = prefix
	if oldName != "" && newName != "" && oldName != newName {
		switch {
		case strings.Contains(d.DestPrefix, oldName):
			out.DestPrefix = strings.ReplaceAll(d.DestPrefix, oldName, newName)
		default:
			out.DestPrefix = d.DestPrefix + newName + "/"
		}
		out.Title = strings.ReplaceAll(d.Title, oldName, newName)
		if out.Chart != nil {
			out.Chart.Title = strings.ReplaceAll(out.Chart.Title, oldName, newName)
		}
	}
	return out
}

func lastSegment(prefix string) string {
	p := strings.TrimSuffix(prefix, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// Definitions is the file of saved report definitions, per profile.
type Definitions struct{ path string }

type definitionsDoc struct {
	Version  int                     `json:"version"`
	Profiles map[string][]Definition `json:"profiles"`
}

// OpenDefinitions uses dir/reports.json (dir is the profiles folder,
// profiles.DefaultDir()). Neither need exist yet: the first Save makes them.
func OpenDefinitions(dir string) (*Definitions, error) {
	if dir == "" {
		return nil, &storage.Error{Op: "open saved reports", Kind: storage.ErrInvalidArgument, Msg: "no folder for the saved reports"}
	}
	return &Definitions{path: filepath.Join(dir, DefinitionsFile)}, nil
}

// Path is the file's path.
func (d *Definitions) Path() string { return d.path }

func defsErr(what string, err error) error {
	return &storage.Error{Op: what + " saved reports", Err: err,
		Msg: fmt.Sprintf("could not %s the saved reports (%v); check that the config folder is writable", what, err)}
}

func (d *Definitions) read() (definitionsDoc, error) {
	doc := definitionsDoc{Version: 1, Profiles: map[string][]Definition{}}
	b, err := os.ReadFile(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return doc, nil
	}
	if err != nil {
		return doc, defsErr("read", err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return doc, &storage.Error{Op: "read saved reports", Err: err,
			Msg: fmt.Sprintf("%s is not valid JSON (%v); fix or remove it to save reports again", d.path, err)}
	}
	if doc.Profiles == nil {
		doc.Profiles = map[string][]Definition{}
	}
	return doc, nil
}

// List is the profile's saved reports, by name.
func (d *Definitions) List(profile string) ([]Definition, error) {
	doc, err := d.read()
	if err != nil {
		return nil, err
	}
	out := slices.Clone(doc.Profiles[profile])
	slices.SortFunc(out, func(a, b Definition) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// update runs fn on the profile's list under the file lock and writes the
// result atomically.
func (d *Definitions) update(profile string, fn func([]Definition) ([]Definition, error)) error {
	if err := os.MkdirAll(filepath.Dir(d.path), 0o700); err != nil {
		return defsErr("write", err)
	}
	unlock, err := atomicfile.Lock(d.path+".lock", "the saved reports", 10*time.Second)
	if err != nil {
		return defsErr("lock", err)
	}
	defer unlock()
	doc, err := d.read()
	if err != nil {
		return err
	}
	list, err := fn(doc.Profiles[profile])
	if err != nil {
		return err
	}
	if len(list) == 0 {
		delete(doc.Profiles, profile)
	} else {
		doc.Profiles[profile] = list
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return defsErr("write", err)
	}
	if err := atomicfile.Write(d.path, append(b, '\n'), atomicfile.Options{}); err != nil {
		return defsErr("write", err)
	}
	return nil
}

// Save adds def to the profile's reports, replacing one of the same name.
func (d *Definitions) Save(profile string, def Definition) error {
	def.Name = strings.TrimSpace(def.Name)
	if def.Name == "" {
		return &storage.Error{Op: "save report", Kind: storage.ErrInvalidArgument, Msg: "give the report a name"}
	}
	if def.SourceBucket == "" || def.DestBucket == "" {
		return &storage.Error{Op: "save report", Kind: storage.ErrInvalidArgument, Msg: "a saved report needs a source and a destination bucket"}
	}
	if def.Saved.IsZero() {
		def.Saved = time.Now().UTC()
	}
	return d.update(profile, func(list []Definition) ([]Definition, error) {
		list = slices.DeleteFunc(slices.Clone(list), func(x Definition) bool { return x.Name == def.Name })
		return append(list, def), nil
	})
}

// Delete removes the profile's report called name (nothing if none).
func (d *Definitions) Delete(profile, name string) error {
	return d.update(profile, func(list []Definition) ([]Definition, error) {
		return slices.DeleteFunc(slices.Clone(list), func(x Definition) bool { return x.Name == name }), nil
	})
}
