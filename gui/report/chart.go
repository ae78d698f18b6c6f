package report

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"s3desk/gui/async"
	"s3desk/gui/widgets"
	"s3desk/storage/report"
)

// Labels of the chart choices.
const (
	kindBar  = "Bar"
	kindLine = "Line"
)

var aggLabels = map[string]report.Aggregate{"Sum": report.AggSum, "Count rows": report.AggCount, "Mean (average)": report.AggMean}

// chartStep is step 3: what the chart shows, previewed as it will be
// published.
type chartStep struct {
	w        *Wizard
	on       *widget.Check
	kind     *widget.RadioGroup
	category *widget.Select
	value    *widget.Select
	agg      *widget.Select
	title    *widget.Entry
	image    *canvas.Image
	note     *widget.Label
	draw     async.Gen
	rep      *report.CSVReport
	png      []byte // the last preview drawn
	settling bool   // reset is filling the controls
}

func (c *chartStep) build(w *Wizard) fyne.CanvasObject {
	c.w = w
	c.on = widget.NewCheck(lang.L("Add a chart to the report (chart.png and chart.html)"), func(bool) { c.redraw() })
	c.on.SetChecked(true)
	c.kind = widget.NewRadioGroup([]string{kindBar, kindLine}, func(string) { c.redraw() })
	c.kind.Horizontal = true
	c.kind.Required = true
	c.kind.SetSelected(kindBar)
	c.category = widget.NewSelect(nil, func(string) { c.redraw() })
	c.value = widget.NewSelect(nil, func(string) { c.redraw() })
	labels := []string{"Sum", "Count rows", "Mean (average)"}
	c.agg = widget.NewSelect(labels, func(s string) {
		widgets.SetEnabled(c.value, aggLabels[s] != report.AggCount)
		c.redraw()
	})
	c.agg.SetSelected("Sum")
	c.title = widget.NewEntry()
	c.title.SetPlaceHolder(lang.L("the chart's title"))
	c.title.OnChanged = func(string) { c.redraw() }
	c.image = canvas.NewImageFromResource(nil)
	c.image.FillMode = canvas.ImageFillContain
	c.image.SetMinSize(fyne.NewSize(480, 288))
	c.note = widget.NewLabel("")
	c.note.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Chart"), c.kind),
		widget.NewFormItem(lang.L("Group by"), c.category),
		widget.NewFormItem(lang.L("Value"), c.value),
		widget.NewFormItem(lang.L("Combine with"), c.agg),
		widget.NewFormItem(lang.L("Title"), c.title),
	)
	return container.NewBorder(container.NewVBox(c.on, form, c.note), nil, nil, nil, c.image)
}

// reset offers the new table's columns: a text column to group by and a
// numeric one to add up.
func (c *chartStep) reset(rep *report.CSVReport) {
	c.rep = rep
	c.draw.Stop() // a drawing of the previous table is stale
	c.settling = true
	defer func() { c.settling = false }()
	nums := rep.NumericColumns()
	c.category.Options = slices.Clone(rep.Header)
	c.value.Options = nums
	cat, val := "", ""
	for _, h := range rep.Header {
		if cat == "" && !slices.Contains(nums, h) && !slices.Contains(rep.LinkColumns(), h) {
			cat = h
		}
	}
	if cat == "" && len(rep.Header) > 0 {
		cat = rep.Header[0]
	}
	if len(nums) > 0 {
		val = nums[0]
	}
	agg := "Sum"
	if val == "" {
		agg = "Count rows"
	}
	kind := kindBar
	title := c.title.Text
	if a := c.w.auto; a != nil {
		if a.Chart == nil {
			c.on.SetChecked(false)
		} else {
			c.on.SetChecked(true)
			cat, val, title = a.Chart.Category, a.Chart.Value, a.Chart.Title
			if a.Chart.Kind == report.LineChart {
				kind = kindLine
			}
			for l, g := range aggLabels {
				if g == a.Chart.Agg {
					agg = l
				}
			}
		}
	}
	c.category.SetSelected(cat)
	c.value.SetSelected(val)
	c.agg.SetSelected(agg)
	c.kind.SetSelected(kind)
	if title == "" {
		title = fmt.Sprintf(lang.L("Monthly report %s"), strings.Trim(c.w.pick.prefix(), "/"))
	}
	c.title.SetText(title)
}

// spec is the chart as chosen; nil for no chart.
func (c *chartStep) spec() *report.ChartSpec {
	if !c.on.Checked || c.category.Selected == "" {
		return nil
	}
	s := &report.ChartSpec{Kind: report.BarChart, Category: c.category.Selected, Agg: aggLabels[c.agg.Selected], Title: strings.TrimSpace(c.title.Text)}
	if c.kind.Selected == kindLine {
		s.Kind = report.LineChart
	}
	if s.Agg != report.AggCount {
		s.Value = c.value.Selected
	}
	return s
}

// entered draws the preview (and, running a saved report, goes on).
func (c *chartStep) entered() {
	c.redraw()
	if c.w.auto != nil {
		c.w.advance()
	}
}

// redraw renders the chart in the background and shows it.
func (c *chartStep) redraw() {
	if c.settling || c.rep == nil || c.w.step != stepChart {
		return
	}
	spec := c.spec()
	for _, o := range []fyne.Disableable{c.kind, c.category, c.agg, c.title} {
		widgets.SetEnabled(o, c.on.Checked)
	}
	widgets.SetEnabled(c.value, c.on.Checked && aggLabels[c.agg.Selected] != report.AggCount)
	if spec == nil {
		c.image.Resource = nil
		c.image.Refresh()
		c.png = nil
		c.note.SetText(lang.L("No chart: the report has the table and the index page only."))
		return
	}
	rep := c.rep
	_, gen := c.draw.Renew(c.w.jobs.Ctx())
	c.note.SetText(lang.L("Drawing…"))
	c.w.jobs.Go(func() {
		d, err := rep.Chart(*spec)
		var img []byte
		if err == nil {
			img, err = report.RenderPNG(d, report.ChartWidth, report.ChartHeight)
		}
		c.w.jobs.Do(func() {
			if !c.draw.Current(gen) || c.w.closed {
				return
			}
			if err != nil {
				c.note.SetText(fmt.Sprintf(lang.L("Cannot draw this chart: %s"), widgets.ErrorText(err)))
				c.image.Resource = nil
				c.png = nil
				c.image.Refresh()
				return
			}
			note := "This is the chart as it will be published: chart.png, and chart.html with the same drawing and its numbers."
			if d.Skipped > 0 {
				note += fmt.Sprintf(lang.L(" %s no number in %s and %s left out."), widgets.Plural(int(d.Skipped), "One row has", "Some rows have"), spec.Value, widgets.Plural(int(d.Skipped), "is", "are"))
			}
			c.note.SetText(note)
			c.png = img
			c.image.Resource = fyne.NewStaticResource("chart.png", img)
			c.image.Refresh()
		})
	})
}
