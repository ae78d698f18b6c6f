package sync

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"s3desk/storage"
	"s3desk/storage/internal/atomicfile"
)

// PairsFile is the saved pairs' file, beside profiles.json.
const PairsFile = "sync-pairs.json"

// Pair is a saved sync: the two sides by profile name (never a key or a
// secret), and how to compare them.
type Pair struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Direction  Direction `json:"direction"`
	Local      string    `json:"local,omitempty"`
	SrcProfile string    `json:"srcProfile,omitempty"`
	SrcBucket  string    `json:"srcBucket,omitempty"`
	SrcPrefix  string    `json:"srcPrefix,omitempty"`
	DstProfile string    `json:"dstProfile,omitempty"`
	DstBucket  string    `json:"dstBucket,omitempty"`
	DstPrefix  string    `json:"dstPrefix,omitempty"`
	Compare    Compare   `json:"compare"`
	Mirror     bool      `json:"mirror,omitempty"`
	Filters    []string  `json:"filters,omitempty"`
	LastRun    time.Time `json:"lastRun,omitzero"`
}

// Title is the pair's name, or a description when it has none.
func (p Pair) Title() string {
	if p.Name != "" {
		return p.Name
	}
	src := p.Local
	dst := p.Local
	if p.Direction != LocalToRemote {
		src = p.SrcProfile + ":" + p.SrcBucket + "/" + p.SrcPrefix
	}
	if p.Direction != RemoteToLocal {
		dst = p.DstProfile + ":" + p.DstBucket + "/" + p.DstPrefix
	}
	return src + " → " + dst
}

// PairStore keeps saved pairs in dir/sync-pairs.json (mode 0600, written
// atomically, under a lock against a second app instance).
type PairStore struct{ dir string }

// NewPairStore is the store in dir (the profiles' folder).
func NewPairStore(dir string) *PairStore { return &PairStore{dir: dir} }

func (s *PairStore) path() string { return filepath.Join(s.dir, PairsFile) }

// List returns the saved pairs; none when the file does not exist.
func (s *PairStore) List() ([]Pair, error) {
	b, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &storage.Error{Op: "sync pairs", Kind: storage.ErrAccessDenied, Err: err,
			Msg: "sync pairs: cannot read " + s.path() + ": " + errText(err)}
	}
	var out []Pair
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, &storage.Error{Op: "sync pairs", Kind: storage.ErrInvalidArgument, Err: err,
			Msg: fmt.Sprintf("sync pairs: %s is damaged (%v); move it away to start afresh", s.path(), err)}
	}
	return out, nil
}

// Save adds p (a new ID when it has none) or replaces the pair with its ID,
// and returns it.
func (s *PairStore) Save(p Pair) (Pair, error) {
	if p.ID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		p.ID = hex.EncodeToString(b)
	}
	err := s.update(func(ps []Pair) []Pair {
		if i := slices.IndexFunc(ps, func(q Pair) bool { return q.ID == p.ID }); i >= 0 {
			ps[i] = p
			return ps
		}
		return append(ps, p)
	})
	return p, err
}

// Delete removes the pair with this ID.
func (s *PairStore) Delete(id string) error {
	return s.update(func(ps []Pair) []Pair {
		return slices.DeleteFunc(ps, func(q Pair) bool { return q.ID == id })
	})
}

func (s *PairStore) update(f func([]Pair) []Pair) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return &storage.Error{Op: "sync pairs", Kind: storage.ErrAccessDenied, Err: err, Msg: "sync pairs: cannot make " + s.dir + ": " + errText(err)}
	}
	unlock, err := atomicfile.Lock(s.path()+".lock", "the saved sync pairs", 4*time.Second)
	if err != nil {
		return err
	}
	defer unlock()
	ps, err := s.List()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(f(ps), "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path(), b, atomicfile.Options{}); err != nil {
		return &storage.Error{Op: "sync pairs", Kind: storage.ErrAccessDenied, Err: err, Msg: "sync pairs: cannot save " + s.path() + ": " + errText(err)}
	}
	return nil
}
