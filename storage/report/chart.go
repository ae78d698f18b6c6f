package report

// The report's chart: one aggregate of a numeric column per category,
// drawn as bars or a line.
//
// The chart is drawn with gonum.org/v1/plot rather than go-echarts. Both are
// well kept, but gonum/plot renders in Go itself: the same plot becomes a PNG
// (vg/vgimg) and an SVG (vg/vgsvg) that is inlined into chart.html, so the
// page opens with no external request and looks like the PNG. go-echarts
// writes an HTML page that loads the echarts JavaScript from a CDN (an
// external request, which a report published from a private network or read
// offline cannot make) and cannot produce a PNG at all without a browser;
// bundling echarts.min.js (~1 MB) into every chart.html would be the only way
// around the CDN. Interactivity is not worth that for a monthly bar chart.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"s3desk/storage"
)

// ChartKind is how the chart is drawn.
type ChartKind string

// Chart kinds.
const (
	BarChart  ChartKind = "bar"
	LineChart ChartKind = "line"
)

// Aggregate combines a category's values.
type Aggregate string

// Aggregates.
const (
	AggSum   Aggregate = "sum"
	AggCount Aggregate = "count" // rows per category; the value column is not read
	AggMean  Aggregate = "mean"
)

// MaxChartCategories bounds the bars (or points) of one chart.
const MaxChartCategories = 60

// ChartSpec says what to draw: Agg of Value per distinct Category, in the
// order the categories first appear.
type ChartSpec struct {
	Kind     ChartKind `json:"kind"`
	Category string    `json:"category"`
	Value    string    `json:"value,omitempty"` // unused for AggCount
	Agg      Aggregate `json:"agg"`
	Title    string    `json:"title,omitempty"`
}

// Label is the spec in words ("sum of request_count by service_name").
func (c ChartSpec) Label() string {
	if c.Agg == AggCount {
		return "rows by " + c.Category
	}
	return string(c.Agg) + " of " + c.Value + " by " + c.Category
}

// ChartData is the aggregated series.
type ChartData struct {
	Spec   ChartSpec
	Labels []string
	Values []float64
	// Skipped counts rows whose value was not a number (or missing); they
	// are left out of sums and means.
	Skipped int64
}

// Validate checks the spec against the report's header.
func (c ChartSpec) Validate(header []string) error {
	bad := func(msg string) error {
		return &storage.Error{Op: "draw chart", Kind: storage.ErrInvalidArgument, Msg: msg}
	}
	switch c.Kind {
	case BarChart, LineChart:
	default:
		return bad("choose a bar or a line chart")
	}
	switch c.Agg {
	case AggSum, AggCount, AggMean:
	default:
		return bad("choose sum, count or mean")
	}
	if columnIndex(header, c.Category) < 0 {
		return bad(fmt.Sprintf("the table has no column %q to group by; choose one of its columns", c.Category))
	}
	if c.Agg != AggCount && columnIndex(header, c.Value) < 0 {
		return bad(fmt.Sprintf("the table has no column %q to add up; choose one of its numeric columns", c.Value))
	}
	return nil
}

func columnIndex(header []string, name string) int {
	for i, h := range header {
		if strings.TrimSpace(h) == strings.TrimSpace(name) && name != "" {
			return i
		}
	}
	return -1
}

// Chart aggregates the whole combined table (streamed from its file, not
// just the preview rows) for spec.
func (r *CSVReport) Chart(spec ChartSpec) (ChartData, error) {
	if err := spec.Validate(r.Header); err != nil {
		return ChartData{}, err
	}
	ci, vi := columnIndex(r.Header, spec.Category), columnIndex(r.Header, spec.Value)
	f, err := os.Open(r.csvPath)
	if err != nil {
		return ChartData{}, reportIOErr("read the combined table", err)
	}
	defer f.Close()
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	if _, err := rd.Read(); err != nil && err != io.EOF {
		return ChartData{}, reportIOErr("read the combined table", err)
	}
	d := ChartData{Spec: spec}
	at := map[string]int{}
	var counts []int64
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ChartData{}, reportIOErr("read the combined table", err)
		}
		cat := ""
		if ci < len(rec) {
			cat = strings.TrimSpace(rec[ci])
		}
		v := 1.0
		if spec.Agg != AggCount {
			if vi >= len(rec) {
				d.Skipped++
				continue
			}
			n, ok := parseNumber(rec[vi])
			if !ok {
				d.Skipped++
				continue
			}
			v = n
		}
		i, ok := at[cat]
		if !ok {
			if len(d.Labels) == MaxChartCategories {
				return ChartData{}, &storage.Error{Op: "draw chart", Kind: storage.ErrTooLarge,
					Msg: fmt.Sprintf("column %q has more than %d different values, too many to draw; group by a column with fewer values", spec.Category, MaxChartCategories)}
			}
			i = len(d.Labels)
			at[cat] = i
			d.Labels = append(d.Labels, cat)
			d.Values = append(d.Values, 0)
			counts = append(counts, 0)
		}
		d.Values[i] += v
		counts[i]++
	}
	if spec.Agg == AggMean {
		for i := range d.Values {
			d.Values[i] /= float64(counts[i])
		}
	}
	if len(d.Labels) == 0 {
		return d, &storage.Error{Op: "draw chart", Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("no row has a number in %q; choose a numeric column, or count rows instead", spec.Value)}
	}
	return d, nil
}

// parseNumber reads "1234", " 12.5 ", "1,234" and "-3e2".
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

// Chart sizes, in pixels at 96 dpi.
const (
	ChartWidth  = 800
	ChartHeight = 480
)

var chartBlue = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}

// newPlot lays the data out as a gonum plot.
func newPlot(d ChartData) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = d.Spec.Title
	if p.Title.Text == "" {
		p.Title.Text = d.Spec.Label()
	}
	p.X.Label.Text = d.Spec.Category
	p.Y.Label.Text = string(d.Spec.Agg)
	if d.Spec.Agg != AggCount {
		p.Y.Label.Text = string(d.Spec.Agg) + " of " + d.Spec.Value
	}
	p.Y.Min = math.Min(0, minOf(d.Values))
	p.Add(plotter.NewGrid())
	switch d.Spec.Kind {
	case LineChart:
		pts := make(plotter.XYs, len(d.Values))
		for i, v := range d.Values {
			pts[i].X, pts[i].Y = float64(i), v
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, chartErr(err)
		}
		l.Color, l.Width = chartBlue, vg.Points(2)
		s.Color, s.Shape = chartBlue, draw.CircleGlyph{}
		s.Radius = vg.Points(3)
		p.Add(l, s)
	default:
		w := vg.Points(float64(ChartWidth) * 0.75 * 0.6 / float64(max(len(d.Values), 1)))
		b, err := plotter.NewBarChart(plotter.Values(d.Values), w)
		if err != nil {
			return nil, chartErr(err)
		}
		b.Color, b.LineStyle.Width = chartBlue, 0
		p.Add(b)
	}
	p.X.Min, p.X.Max = -0.5, float64(len(d.Values))-0.5
	if top := maxOf(d.Values); top > 0 {
		p.Y.Max = top * 1.08 // room above the highest bar
	}
	p.NominalX(d.Labels...)
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font} {
		f.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(15)
	p.Title.Padding = vg.Points(8)
	if len(d.Labels) > 8 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	return p, nil
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	if math.IsInf(m, 1) {
		return 0
	}
	return m
}

func chartErr(err error) error {
	return &storage.Error{Op: "draw chart", Kind: storage.ErrInvalidArgument, Err: err, Msg: "could not draw the chart: " + err.Error()}
}

// chartCanvas leaves a margin around the plot.
func chartCanvas(c vg.CanvasSizer) draw.Canvas {
	m := vg.Points(12)
	return draw.Crop(draw.New(c), m, -m, m, -m)
}

// RenderPNG draws the chart as a PNG of width×height pixels.
func RenderPNG(d ChartData, width, height int) ([]byte, error) {
	p, err := newPlot(d)
	if err != nil {
		return nil, err
	}
	const dpi = 96
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(width)*vg.Inch/dpi, vg.Length(height)*vg.Inch/dpi), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	p.Draw(chartCanvas(c))
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, chartErr(err)
	}
	return b.Bytes(), nil
}

// svgPrologue is what comes before <svg> in vgsvg's output (an XML
// declaration and a comment), and svgNS its namespace attributes: HTML
// parses inline <svg> in the SVG namespace without them, and the page then
// holds no URL at all.
var (
	svgPrologue = regexp.MustCompile(`(?s)\A.*?<svg`)
	svgNS       = regexp.MustCompile(`\s+xmlns(:xlink)?="[^"]*"`)
)

// RenderSVG draws the chart as an SVG element (no XML prologue, no
// namespace URLs) for inlining into HTML.
func RenderSVG(d ChartData, width, height int) ([]byte, error) {
	p, err := newPlot(d)
	if err != nil {
		return nil, err
	}
	c := vgsvg.New(vg.Length(width)*vg.Inch/96, vg.Length(height)*vg.Inch/96)
	p.Draw(chartCanvas(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, chartErr(err)
	}
	out := svgPrologue.ReplaceAll(b.Bytes(), []byte("<svg"))
	if i := bytes.Index(out, []byte(">")); i > 0 {
		out = append(svgNS.ReplaceAll(out[:i:i], nil), out[i:]...)
	}
	return out, nil
}

var chartTmpl = template.Must(template.New("chart").Funcs(template.FuncMap{"num": formatNumber}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="S3 Desk">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#222}
figure{margin:0}svg{max-width:100%;height:auto}
table{border-collapse:collapse;border:0;margin-top:1em}th,td{border:0;padding:.25em .8em;text-align:left}td.n{text-align:right}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<figure>
{{.SVG}}
<figcaption>{{.Caption}}</figcaption>
</figure>
<table border="0">
<thead><tr><th>{{.Data.Spec.Category}}</th><th>{{.ValueHead}}</th></tr></thead>
<tbody>
{{range $i, $l := .Data.Labels}}<tr><td>{{$l}}</td><td class="n">{{num (index $.Data.Values $i)}}</td></tr>
{{end}}</tbody>
</table>
</body>
</html>
`))

// ChartHTML is a standalone page with the chart as inline SVG and its
// numbers as a table. It loads nothing: no script, style sheet, font or
// image from anywhere.
func ChartHTML(d ChartData) ([]byte, error) {
	svg, err := RenderSVG(d, ChartWidth, ChartHeight)
	if err != nil {
		return nil, err
	}
	title := d.Spec.Title
	if title == "" {
		title = d.Spec.Label()
	}
	caption := strings.ToUpper(d.Spec.Label()[:1]) + d.Spec.Label()[1:] + "."
	if d.Skipped > 0 {
		caption += fmt.Sprintf(" %d %s without a number in %s left out.", d.Skipped, reportPlural(d.Skipped, "row", "rows"), d.Spec.Value)
	}
	valueHead := string(d.Spec.Agg)
	if d.Spec.Agg != AggCount {
		valueHead += " of " + d.Spec.Value
	}
	var b bytes.Buffer
	err = chartTmpl.Execute(&b, struct {
		Title, Caption, ValueHead string
		SVG                       template.HTML // drawn here by vgsvg, which escapes its text
		Data                      ChartData
	}{title, caption, valueHead, template.HTML(svg), d})
	if err != nil {
		return nil, chartErr(err)
	}
	return b.Bytes(), nil
}

// formatNumber shows whole numbers without decimals and others with two.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
