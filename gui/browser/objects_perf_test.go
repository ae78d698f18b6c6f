package browser

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"s3desk/gui/async"
	"s3desk/storage"
)

// BenchmarkObjectsView100kPages is the GUI half of .ci/bench: 100 pages of
// 1,000 listing entries are applied to the objects view one by one, as the
// listing hands them to the UI goroutine (merge into the sorted rows, count,
// table refresh). It reports the time per page applied (mean, and the worst,
// which is the last, largest merge), and the memory the 100k entries hold
// (heap after GC, and process RSS), target <= 60 MB.
//
//	go test -tags ci -run '^$' -bench BenchmarkObjectsView100kPages -benchtime 3x ./gui
func BenchmarkObjectsView100kPages(b *testing.B) {
	test.NewTempApp(b)
	w := test.NewWindow(nil)
	defer w.Close()
	v := NewObjectsView(b.Context(), w, newFakeList(), ObjectActions{})
	v.jobs = async.WithUI(b.Context(), func(func()) {})
	w.SetContent(v.CanvasObject())
	w.Resize(fyne.NewSize(1000, 640))

	var perPage []time.Duration
	var heldHeap, heldRSS float64
	for n := range b.N {
		b.StopTimer()
		v.Open("bucket", "photos/")
		runtime.GC()
		before := heapMB()
		rssBefore := rssMB()
		pages := perfPages(100, 1000)
		b.StartTimer()
		for i := range pages {
			start := time.Now()
			v.addEntries(pages[i])
			perPage = append(perPage, time.Since(start))
			pages[i] = nil // from here on only the view holds the entries
		}
		v.finishLoad(nil)
		b.StopTimer()
		if n == 0 {
			if len(v.entries) != 100_000 || len(v.rows) != 100_000 {
				b.Fatalf("view holds %d entries, %d rows; want 100000", len(v.entries), len(v.rows))
			}
			runtime.GC()
			heldHeap = heapMB() - before
			heldRSS = rssMB() - rssBefore
		}
		v.Open("bucket", "") // drop them
		b.StartTimer()
	}
	b.StopTimer()
	var sum time.Duration
	for _, d := range perPage {
		sum += d
	}
	b.ReportMetric(float64(sum.Microseconds())/float64(len(perPage))/1000, "ms/page")
	b.ReportMetric(float64(slices.Max(perPage).Microseconds())/1000, "max-ms/page")
	b.ReportMetric(heldHeap, "MB-heap-100k")
	b.ReportMetric(heldRSS, "MB-rss-100k")
}

// perfPages makes listing pages shaped like a real bucket's: keys of 40-60
// bytes, distinct ETags, sizes and dates, as strings the SDK would allocate.
func perfPages(pages, per int) [][]storage.Entry {
	mod := time.Date(2025, 7, 12, 15, 30, 0, 0, time.UTC)
	out := make([][]storage.Entry, pages)
	for p := range pages {
		page := make([]storage.Entry, per)
		for i := range per {
			n := p*per + i
			name := fmt.Sprintf("IMG_2025%02d%02d_%06d_holiday-%d.jpg", 1+n%12, 1+n%28, n, n%97)
			page[i] = storage.Entry{
				Key:          "photos/" + name,
				Name:         name,
				Size:         int64(100_000 + n*37%5_000_000),
				LastModified: mod.Add(-time.Duration(n) * time.Minute),
				ETag:         `"` + fmt.Sprintf("%032x", n*2654435761) + `"`,
				StorageClass: strings.Clone("STANDARD"),
			}
		}
		out[p] = page
	}
	return out
}

func heapMB() float64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// rssMB is this process's resident set from /proc (0 where there is none).
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
