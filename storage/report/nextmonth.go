package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var monthNames = []struct{ full, short, alt string }{
	{"January", "Jan", ""}, {"February", "Feb", ""}, {"March", "Mar", ""}, {"April", "Apr", ""},
	{"May", "May", ""}, {"June", "Jun", ""}, {"July", "Jul", ""}, {"August", "Aug", ""},
	{"September", "Sep", "Sept"}, {"October", "Oct", ""}, {"November", "Nov", ""}, {"December", "Dec", ""},
}

var (
	isoMonth  = regexp.MustCompile(`(\d{4})([-_]?)(0[1-9]|1[0-2])`)
	yearToken = regexp.MustCompile(`(^|[^0-9])(\d{2}|\d{4})([^0-9]|$)`)
	wordToken = regexp.MustCompile(`[A-Za-z]+`)
)

// NextMonth guesses the folder of the month after the one prefix names:
// "22_Sept/" → "22_Oct/", "22_Dec/" → "23_Jan/", "2022-09/" → "2022-10/",
// "reports/September 2022/" → "reports/October 2022/". Only the last
// folder is changed; "" when it names no month.
func NextMonth(prefix string) string {
	trail := strings.HasSuffix(prefix, "/")
	p := strings.TrimSuffix(prefix, "/")
	dir, seg := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, seg = p[:i+1], p[i+1:]
	}
	next := nextMonthSegment(seg)
	if next == "" {
		return ""
	}
	out := dir + next
	if trail {
		out += "/"
	}
	return out
}

func nextMonthSegment(seg string) string {
	if m := isoMonth.FindStringSubmatchIndex(seg); m != nil {
		y, _ := strconv.Atoi(seg[m[2]:m[3]])
		mo, _ := strconv.Atoi(seg[m[6]:m[7]])
		if mo++; mo == 13 {
			mo, y = 1, y+1
		}
		return seg[:m[0]] + fmt.Sprintf("%04d%s%02d", y, seg[m[4]:m[5]], mo) + seg[m[1]:]
	}
	for _, loc := range wordToken.FindAllStringIndex(seg, -1) {
		word := seg[loc[0]:loc[1]]
		for i, mn := range monthNames {
			var next string
			n := monthNames[(i+1)%12]
			switch {
			case strings.EqualFold(word, mn.full):
				next = n.full
			case strings.EqualFold(word, mn.short) || (mn.alt != "" && strings.EqualFold(word, mn.alt)):
				next = n.short
			default:
				continue
			}
			next = sameCase(word, next)
			out := seg[:loc[0]] + next + seg[loc[1]:]
			if i == 11 {
				out = bumpYear(out)
			}
			return out
		}
	}
	return ""
}

// sameCase writes next in the case style of word (Sept, SEPT, sept).
func sameCase(word, next string) string {
	switch {
	case word == strings.ToUpper(word):
		return strings.ToUpper(next)
	case word == strings.ToLower(word):
		return strings.ToLower(next)
	}
	return next
}

// bumpYear adds one to the first 2- or 4-digit number in s.
func bumpYear(s string) string {
	m := yearToken.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	y, _ := strconv.Atoi(s[m[4]:m[5]])
	width := m[5] - m[4]
	y++
	if width == 2 {
		y %= 100
	}
	return s[:m[4]] + fmt.Sprintf("%0*d", width, y) + s[m[5]:]
}
