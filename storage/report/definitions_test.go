package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"s3desk/storage/report"
)

func TestNextMonth(t *testing.T) {
	for in, want := range map[string]string{
		"22_Sept/":                "22_Oct/",
		"22_Dec/":                 "23_Jan/",
		"99_dec":                  "00_jan",
		"2022-09/":                "2022-10/",
		"2022_12/":                "2023_01/",
		"raw/2024-11-monthly/":    "raw/2024-12-monthly/",
		"reports/September 2022/": "reports/October 2022/",
		"reports/December 2022/":  "reports/January 2023/",
		"AUG_2021/":               "SEP_2021/",
		"data/weekly/":            "",
		"":                        "",
		"marchive/":               "",
		"2022-09/inner/22_Sept/":  "2022-09/inner/22_Oct/",
	} {
		if got := report.NextMonth(in); got != want {
			t.Errorf("NextMonth(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefinitionsSavedPerProfileAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s3desk") // made by the first Save
	defs, err := report.OpenDefinitions(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := defs.List("Local sandbox"); err != nil || len(l) != 0 {
		t.Fatalf("fresh: %v %v", l, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("opening (or listing) made the folder: %v", err)
	}
	d := report.Definition{Name: "Monthly requests", SourceBucket: "sampled", SourcePrefix: "22_Sept/", Pattern: "requests_*.csv",
		Columns: []string{"service_name", "request_count", "info_link"}, RenderLinks: true,
		Chart:      &report.ChartSpec{Kind: report.BarChart, Category: "service_name", Value: "request_count", Agg: report.AggSum, Title: "Requests 22_Sept"},
		DestBucket: "reports", DestPrefix: "monthly/22_Sept/", Public: true, Title: "Requests 22_Sept"}
	if err := defs.Save("Local sandbox", d); err != nil {
		t.Fatal(err)
	}
	if err := defs.Save("Work AWS", report.Definition{Name: "Other", SourceBucket: "a", DestBucket: "b"}); err != nil {
		t.Fatal(err)
	}
	d.Pattern = "*.csv" // saved again under the same name: replaced
	if err := defs.Save("Local sandbox", d); err != nil {
		t.Fatal(err)
	}
	l, err := defs.List("Local sandbox")
	if err != nil || len(l) != 1 || l[0].Pattern != "*.csv" || l[0].Chart == nil || l[0].Chart.Value != "request_count" {
		t.Fatalf("list: %+v %v", l, err)
	}
	if l, _ := defs.List("Work AWS"); len(l) != 1 || l[0].Name != "Other" {
		t.Errorf("the other profile's reports: %+v", l)
	}
	st, err := os.Stat(filepath.Join(dir, report.DefinitionsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file: %v %v", st, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, report.DefinitionsFile))
	for _, bad := range []string{"secret", "AccessKey", "password"} {
		if strings.Contains(strings.ToLower(string(b)), strings.ToLower(bad)) {
			t.Errorf("the saved reports mention %q", bad)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}

	next := l[0].ForSource(report.NextMonth(l[0].SourcePrefix))
	if next.SourcePrefix != "22_Oct/" || next.DestPrefix != "monthly/22_Oct/" || next.Title != "Requests 22_Oct" || next.Chart.Title != "Requests 22_Oct" {
		t.Errorf("next month: %+v", next)
	}
	if l[0].Chart.Title != "Requests 22_Sept" {
		t.Error("ForSource changed the saved definition's chart")
	}
	if got := (report.Definition{SourcePrefix: "a/", DestPrefix: "out/"}).ForSource("b"); got.DestPrefix != "out/b/" {
		t.Errorf("destination without the month's name: %q", got.DestPrefix)
	}

	if err := defs.Delete("Local sandbox", "Monthly requests"); err != nil {
		t.Fatal(err)
	}
	if l, _ := defs.List("Local sandbox"); len(l) != 0 {
		t.Errorf("after delete: %+v", l)
	}
	if err := os.WriteFile(defs.Path(), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := defs.List("Work AWS"); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("broken file: %v", err)
	}
	if err := defs.Save("Work AWS", report.Definition{Name: "x", SourceBucket: "a", DestBucket: "b"}); err == nil {
		t.Error("a broken file was overwritten")
	}
}
