package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// SampleBucket is the bucket the sample data lives in, as in the guide.
const SampleBucket = "sampled"

// SampleObject is one object of the sample data.
type SampleObject struct {
	Key         string
	ContentType string
	Body        []byte
}

// service is one row of the guide's request report.
type service struct{ name, link string }

var services = []service{
	{"s3", "https://aws.amazon.com/s3/"},
	{"sns", "https://aws.amazon.com/sns/"},
	{"comprehend", "https://aws.amazon.com/comprehend/"},
	{"rekognition", "https://aws.amazon.com/rekognition/"},
	{"translate", "https://aws.amazon.com/translate/"},
	{"textract", "https://aws.amazon.com/textract/"},
	{"lambda", "https://aws.amazon.com/lambda/"},
}

// weeks are the files "for the month" under 22_Sept/.
var weeks = []string{"2022-09-07", "2022-09-14", "2022-09-21", "2022-09-28"}

// requests is a deterministic, plausible request count for service i in
// week w.
func requests(i, w int) int {
	base := []int{1840, 420, 260, 310, 150, 95, 2210}[i]
	return base + ((i*37+w*53+11)*7919)%(base/3+17)
}

// SampleData builds the guide's story: a few weekly CSV reports for
// September 2022 under 22_Sept/ (service_name, request_count, info_link),
// the tallied values as CSV and as an HTML page with links, a bar chart as
// PNG, and an index page linking them.
func SampleData() []SampleObject {
	var out []SampleObject
	totals := make([]int, len(services))
	for w, day := range weeks {
		var b strings.Builder
		b.WriteString("service_name,request_count,info_link\n")
		for i, s := range services {
			n := requests(i, w)
			totals[i] += n
			fmt.Fprintf(&b, "%s,%d,%s\n", s.name, n, s.link)
		}
		out = append(out, SampleObject{Key: "22_Sept/requests_" + day + ".csv", ContentType: "text/csv", Body: []byte(b.String())})
	}

	var csv strings.Builder
	csv.WriteString("service_name,request_count,info_link\n")
	for i, s := range services {
		fmt.Fprintf(&csv, "%s,%d,%s\n", s.name, totals[i], s.link)
	}
	out = append(out, SampleObject{Key: "values.csv", ContentType: "text/csv", Body: []byte(csv.String())})

	var h strings.Builder
	h.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Requests per service, September 2022</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:4px 12px;text-align:left}td.n{text-align:right}</style>
</head><body>
<h1>Requests per service, September 2022</h1>
<table border="0"><thead><tr><th>service_name</th><th>request_count</th><th>info_link</th></tr></thead><tbody>
`)
	for i, s := range services {
		fmt.Fprintf(&h, "<tr><td>%s</td><td class=\"n\">%d</td><td><a href=\"%s\">%s</a></td></tr>\n",
			html.EscapeString(s.name), totals[i], html.EscapeString(s.link), html.EscapeString(s.link))
	}
	h.WriteString("</tbody></table>\n<p><img src=\"plot_image.png\" alt=\"Bar chart of the requests per service\"></p>\n</body></html>\n")
	out = append(out, SampleObject{Key: "values.html", ContentType: "text/html; charset=utf-8", Body: []byte(h.String())})

	out = append(out, SampleObject{Key: "plot_image.png", ContentType: "image/png", Body: chartPNG(totals)})

	var idx strings.Builder
	idx.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sampled</title></head><body>
<h1>Report listing</h1><ul>
`)
	for _, o := range out {
		fmt.Fprintf(&idx, "<li><a href=\"%s\">%s</a> (%d bytes)</li>\n", html.EscapeString(o.Key), html.EscapeString(o.Key), len(o.Body))
	}
	idx.WriteString("</ul></body></html>\n")
	out = append(out, SampleObject{Key: "index.html", ContentType: "text/html; charset=utf-8", Body: []byte(idx.String())})
	return out
}

// chartPNG draws the September totals as a labelled bar chart.
func chartPNG(totals []int) []byte {
	const w, hgt, margin, barGap = 560, 320, 30, 14
	img := image.NewRGBA(image.Rect(0, 0, w, hgt))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{250, 250, 252, 255}), image.Point{}, draw.Src)
	maxV := 1
	for _, v := range totals {
		maxV = max(maxV, v)
	}
	face := basicfont.Face7x13
	label := func(x, y int, s string, c color.Color) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	label(margin, 20, "Requests per service, September 2022", color.Black)
	plotTop, plotBottom := 40, hgt-margin
	barW := (w - 2*margin - barGap*(len(totals)-1)) / len(totals)
	colors := []color.RGBA{{255, 153, 0, 255}, {35, 47, 62, 255}, {0, 115, 187, 255}, {122, 161, 22, 255}, {221, 52, 76, 255}, {140, 79, 255, 255}, {0, 164, 166, 255}}
	for i, v := range totals {
		x0 := margin + i*(barW+barGap)
		hBar := (plotBottom - plotTop - 16) * v / maxV
		r := image.Rect(x0, plotBottom-hBar, x0+barW, plotBottom)
		draw.Draw(img, r, image.NewUniform(colors[i%len(colors)]), image.Point{}, draw.Src)
		label(x0, plotBottom-hBar-3, fmt.Sprint(v), color.Black)
		label(x0, plotBottom+15, services[i].name, color.RGBA{60, 60, 60, 255})
	}
	draw.Draw(img, image.Rect(margin-4, plotBottom, w-margin, plotBottom+1), image.NewUniform(color.Gray{120}), image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("sandbox: encoding the sample chart: " + err.Error()) // cannot happen with an in-memory RGBA
	}
	return buf.Bytes()
}

// Seed creates the sample bucket and uploads the sample data through c. An
// existing bucket is reused and existing objects are overwritten.
func Seed(ctx context.Context, c *s3.Client) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(SampleBucket)})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		return fmt.Errorf("create bucket %q: %w", SampleBucket, err)
	}
	for _, o := range SampleData() {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket:        aws.String(SampleBucket),
			Key:           aws.String(o.Key),
			Body:          bytes.NewReader(o.Body),
			ContentLength: aws.Int64(int64(len(o.Body))),
			ContentType:   aws.String(o.ContentType),
		})
		if err != nil {
			return fmt.Errorf("put %q: %w", o.Key, err)
		}
	}
	return nil
}
