package bulk

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"s3desk/storage/internal/atomicfile"
)

// The journal is an append-only file of one record per line, read back
// in order when a job resumes:
//
//	B <page> <size> <key>          about to be sent (fsynced before the request)
//	D <page> <size> <key>          done
//	F <page> <size> <key> <error>  failed (after the service's own retries)
//	C <source> <page> <key>        every item of pages <= page is done or failed;
//	                               key is the last key listed so far in source
//	S <source>                     source listed to its end and completed
//	T <done> <bytes>               totals carried over by a compaction
//	X <page> <key>                 done, counted in T (written by a compaction)
//
// Keys and errors are Go-quoted, so any byte (newlines, invalid UTF-8) is
// data. A torn last line (a crash mid-write) is dropped and cut off. A key
// begun but neither done nor failed is "uncertain": the crashed run may
// have done it, so the operation checks before doing it again (a copy or
// move is never sent twice). B records are fsynced before their requests
// go out; D and F records at each cursor and every syncEvery, so a crash
// loses at most outcomes that the uncertain check recovers.
type journal struct {
	mu   sync.Mutex
	path string
	f    *os.File
	w    *bufio.Writer
	err  error // the first write error: the job stops on it
}

// Failure is one key that failed, with its error text.
type Failure struct {
	Key  string
	Size int64
	Err  string
	page int64
}

// begun is a key sent but without an outcome yet.
type begun struct{ page, size int64 }

// replayed is what a journal says about a job.
type replayed struct {
	cursor  map[int]string // source -> last key completed
	srcDone map[int]bool
	done    map[string]int64 // key -> page, for pages after the cursor
	begun   map[string]begun // uncertain unless done or failed
	failed  map[string]*Failure
	order   []string // failed keys in the order they first failed
	lastC   int64    // page of the last cursor record
	maxPage int64
	nDone   int64
	bytes   int64
}

func newReplayed() *replayed {
	return &replayed{cursor: map[int]string{}, srcDone: map[int]bool{}, done: map[string]int64{},
		begun: map[string]begun{}, failed: map[string]*Failure{}}
}

// apply folds one record into r.
func (r *replayed) apply(rec []string) error {
	num := func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
	switch {
	case rec[0] == "B" && len(rec) == 4:
		p, err1 := num(rec[1])
		size, err2 := num(rec[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad B record")
		}
		r.begun[rec[3]] = begun{page: p, size: size}
		r.maxPage = max(r.maxPage, p)
	case rec[0] == "D" && len(rec) == 4:
		p, err1 := num(rec[1])
		size, err2 := num(rec[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad D record")
		}
		k := rec[3]
		delete(r.begun, k)
		if _, ok := r.done[k]; ok {
			return nil // counted already
		}
		delete(r.failed, k) // a retried key
		r.done[k] = p
		r.nDone++
		r.bytes += size
		r.maxPage = max(r.maxPage, p)
	case rec[0] == "F" && len(rec) == 5:
		p, err1 := num(rec[1])
		size, err2 := num(rec[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad F record")
		}
		k := rec[3]
		delete(r.begun, k)
		if f, ok := r.failed[k]; ok {
			f.Err, f.page = rec[4], p
			return nil
		}
		r.failed[k] = &Failure{Key: k, Size: size, Err: rec[4], page: p}
		r.order = append(r.order, k)
		r.maxPage = max(r.maxPage, p)
	case rec[0] == "C" && len(rec) == 4:
		src, err1 := strconv.Atoi(rec[1])
		p, err2 := num(rec[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad C record")
		}
		r.cursor[src] = rec[3]
		r.lastC = max(r.lastC, p)
		for k, kp := range r.done {
			if kp <= p {
				delete(r.done, k)
			}
		}
		r.maxPage = max(r.maxPage, p)
	case rec[0] == "T" && len(rec) == 3:
		n, err1 := num(rec[1])
		b, err2 := num(rec[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad T record")
		}
		r.nDone += n
		r.bytes += b
	case rec[0] == "X" && len(rec) == 3:
		p, err := num(rec[1])
		if err != nil {
			return err
		}
		r.done[rec[2]] = p
	case rec[0] == "S" && len(rec) == 2:
		src, err := strconv.Atoi(rec[1])
		if err != nil {
			return err
		}
		r.srcDone[src] = true
	default:
		return fmt.Errorf("unknown record %q", rec[0])
	}
	return nil
}

// failures lists the keys that are failed now, in the order they failed.
func (r *replayed) failures() []Failure {
	out := make([]Failure, 0, len(r.failed))
	for _, k := range r.order {
		if f, ok := r.failed[k]; ok {
			out = append(out, *f)
		}
	}
	return out
}

// parseLine splits a record into its fields, unquoting quoted ones.
func parseLine(line string) ([]string, error) {
	var rec []string
	for line != "" {
		if line[0] == '"' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, err
			}
			s, err := strconv.Unquote(q)
			if err != nil {
				return nil, err
			}
			rec = append(rec, s)
			line = line[len(q):]
		} else {
			i := strings.IndexByte(line, ' ')
			if i < 0 {
				i = len(line)
			}
			rec = append(rec, line[:i])
			line = line[i:]
		}
		line = strings.TrimPrefix(line, " ")
	}
	if len(rec) == 0 {
		return nil, fmt.Errorf("empty record")
	}
	return rec, nil
}

// readJournal replays path. A torn or unreadable tail is reported by good,
// the length of the part that replayed.
func readJournal(path string) (r *replayed, good int64, err error) {
	r = newReplayed()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return r, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break // torn last line
		}
		rec, err := parseLine(string(data[:i]))
		if err != nil || r.apply(rec) != nil {
			break
		}
		good += int64(i + 1)
		data = data[i+1:]
	}
	return r, good, nil
}

// compactJournal rewrites path atomically as the records that say what r
// says, once the log has grown well past that.
func compactJournal(path string, r *replayed) error {
	var b bytes.Buffer
	// The totals go in a T record (the D records they count are gone);
	// keys done after the cursor become X records (done, already counted).
	fmt.Fprintf(&b, "T %d %d\n", r.nDone, r.bytes)
	for src, k := range r.cursor {
		fmt.Fprintf(&b, "C %d %d %s\n", src, r.lastC, strconv.Quote(k))
	}
	for src := range r.srcDone {
		fmt.Fprintf(&b, "S %d\n", src)
	}
	for k, p := range r.done {
		fmt.Fprintf(&b, "X %d %s\n", p, strconv.Quote(k))
	}
	for k, p := range r.begun {
		fmt.Fprintf(&b, "B %d %d %s\n", p.page, p.size, strconv.Quote(k))
	}
	for _, f := range r.failures() {
		fmt.Fprintf(&b, "F %d %d %s %s\n", f.page, f.Size, strconv.Quote(f.Key), strconv.Quote(f.Err))
	}
	return atomicfile.Write(path, b.Bytes(), atomicfile.Options{})
}

// openJournal replays path, cuts a torn tail, compacts a long log and
// opens it for appending.
func openJournal(path string) (*journal, *replayed, error) {
	r, good, err := readJournal(path)
	if err != nil {
		return nil, nil, err
	}
	if st, err := os.Stat(path); err == nil {
		switch {
		case st.Size() > 8<<20 && st.Size() > 4*int64(64*(len(r.done)+len(r.begun)+len(r.failed)+8)):
			if err := compactJournal(path, r); err != nil {
				return nil, nil, err
			}
		case st.Size() > good:
			if err := os.Truncate(path, good); err != nil {
				return nil, nil, err
			}
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return &journal{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, r, nil
}

func (j *journal) write(format string, args ...any) {
	if j.err != nil {
		return
	}
	if _, err := fmt.Fprintf(j.w, format, args...); err != nil {
		j.err = err
	}
}

// begin records items of page as about to be sent, durably.
func (j *journal) begin(page int64, items []Item) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, it := range items {
		j.write("B %d %d %s\n", page, it.Size, strconv.Quote(it.Key))
	}
	return j.syncLocked()
}

func (j *journal) done(page int64, it Item) {
	j.mu.Lock()
	j.write("D %d %d %s\n", page, it.Size, strconv.Quote(it.Key))
	j.mu.Unlock()
}

func (j *journal) fail(page int64, it Item, err error) {
	j.mu.Lock()
	j.write("F %d %d %s %s\n", page, it.Size, strconv.Quote(it.Key), strconv.Quote(err.Error()))
	j.mu.Unlock()
}

// cursor records that pages <= page are complete, durably.
func (j *journal) cursor(src int, page int64, key string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.write("C %d %d %s\n", src, page, strconv.Quote(key))
	return j.syncLocked()
}

func (j *journal) sourceDone(src int) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.write("S %d\n", src)
	return j.syncLocked()
}

func (j *journal) sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.syncLocked()
}

func (j *journal) syncLocked() error {
	if j.err != nil {
		return j.err
	}
	if err := j.w.Flush(); err != nil {
		j.err = err
		return err
	}
	if err := j.f.Sync(); err != nil {
		j.err = err
	}
	return j.err
}

func (j *journal) close() error {
	err := j.sync()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}
