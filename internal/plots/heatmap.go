package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap geometry.
const (
	heatmapWidth  = 10 * vg.Inch
	heatmapHeight = 9 * vg.Inch
	// colorBarStrip is the width kept at the right for the colour scale and its labels.
	colorBarStrip = 1.3 * vg.Inch
	// maxTickRunes bounds the length of an axis label.
	maxTickRunes = 32
)

// ConfusionHeatmap writes a PNG heatmap of the confusion sub-matrix of the given classes (the
// rows and columns of confusion, which is indexed [true][predicted]) to path: rows are true
// classes and columns predicted classes, in the order of classes, with labels on both axes
// (long ones shortened in the middle), a colour scale and a title. Each row is normalised by its
// true class's whole row in confusion, so a cell is the share of that class's examples predicted
// as the column's class and a row may sum to less than 1 when the class is also confused with
// classes not shown; shares of at least 1% are printed in their cells. It fails when confusion
// is empty or not square, when labels does not match it, when classes is empty, repeats a class
// or holds one out of range, or when a count is negative or not finite.
func ConfusionHeatmap(path string, confusion [][]float64, labels []string, classes []int, title string) error {
	data, err := ConfusionHeatmapPNG(path, confusion, labels, classes, title)
	if err != nil {
		return err
	}
	return writePNG(path, data)
}

// ConfusionHeatmapPNG draws what ConfusionHeatmap writes and returns the PNG, for a caller
// that publishes it with other files; name names the figure in errors.
func ConfusionHeatmapPNG(name string, confusion [][]float64, labels []string, classes []int, title string) ([]byte, error) {
	shares, err := rowShares(confusion, labels, classes)
	if err != nil {
		return nil, fmt.Errorf("confusion heatmap %s: %w", name, err)
	}
	m := len(classes)
	names := make([]string, m)
	for i, c := range classes {
		names[i] = shorten(labels[c], maxTickRunes)
	}

	// Scale the tick labels with the cell size: at most 10pt, at least 5pt.
	cell := (heatmapHeight - 3*vg.Inch) / vg.Length(m)
	tickSize := max(5, min(10, cell*0.7))
	p := newPlot(14, 12, tickSize)
	p.Title.Text = title
	p.X.Label.Text = "predicted"
	p.Y.Label.Text = "true"
	p.X.Padding, p.Y.Padding = 0, 0
	xTicks := make([]plot.Tick, m)
	yTicks := make([]plot.Tick, m)
	for i, name := range names {
		xTicks[i] = plot.Tick{Value: float64(i), Label: name}
		yTicks[i] = plot.Tick{Value: float64(m - 1 - i), Label: name} // first class at the top
	}
	p.X.Tick.Marker = plot.ConstantTicks(xTicks)
	p.Y.Tick.Marker = plot.ConstantTicks(yTicks)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter

	pal := heatPalette()
	colors := pal.Colors()
	g := shareGrid{m: m, z: shares}
	hm := plotter.NewHeatMap(g, pal)
	hm.Min, hm.Max = 0, 1
	p.Add(hm, &cellText{grid: g, colors: colors, size: max(5, min(8, cell*0.45))})

	return encodePNG(name, heatmapWidth, heatmapHeight, func(c draw.Canvas) {
		c = draw.Crop(c, vg.Points(4), -vg.Points(4), vg.Points(4), -vg.Points(6))
		left := draw.Crop(c, 0, -colorBarStrip, 0, 0)
		p.Draw(left)
		data := p.DataCanvas(left)
		bar := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: left.Max.X + 0.2*vg.Inch, Y: data.Min.Y},
			Max: vg.Point{X: left.Max.X + 0.45*vg.Inch, Y: data.Max.Y},
		}}
		drawColorBar(bar, colors, tickSize)
	})
}

// rowShares checks the heatmap's inputs and returns the sub-matrix of classes, each row divided
// by its class's full row sum, as one slice in row-major order.
func rowShares(confusion [][]float64, labels []string, classes []int) ([]float64, error) {
	n := len(confusion)
	switch {
	case n == 0:
		return nil, errors.New("empty confusion matrix")
	case len(labels) != n:
		return nil, fmt.Errorf("%d labels for %d classes", len(labels), n)
	case len(classes) == 0:
		return nil, errors.New("no classes to show")
	}
	for i, row := range confusion {
		if len(row) != n {
			return nil, fmt.Errorf("confusion row %d has %d columns, want %d", i, len(row), n)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("confusion[%d][%d] = %v is not a finite non-negative count", i, j, v)
			}
		}
	}
	seen := make(map[int]bool, len(classes))
	for _, c := range classes {
		if c < 0 || c >= n {
			return nil, fmt.Errorf("class %d out of range [0, %d)", c, n)
		}
		if seen[c] {
			return nil, fmt.Errorf("class %d listed twice", c)
		}
		seen[c] = true
	}
	m := len(classes)
	shares := make([]float64, m*m)
	for i, t := range classes {
		var total float64
		for _, v := range confusion[t] {
			total += v
		}
		if total == 0 {
			continue
		}
		for j, p := range classes {
			shares[i*m+j] = confusion[t][p] / total
		}
	}
	return shares, nil
}

// heatStops are the heatmap's colours at 0, 0.5 and 1: white, mid blue, dark navy.
var heatStops = [3]color.RGBA{{R: 255, G: 255, B: 255, A: 255}, {R: 107, G: 174, B: 214, A: 255}, {R: 8, G: 48, B: 107, A: 255}}

// colorList is a palette.Palette of fixed colours.
type colorList []color.Color

// Colors returns the colours.
func (l colorList) Colors() []color.Color { return l }

// heatPalette returns 100 colours interpolated linearly between heatStops.
func heatPalette() palette.Palette {
	const n = 100
	out := make(colorList, n)
	for i := range out {
		v := float64(i) / (n - 1) * 2 // position along the two segments
		seg := min(int(v), 1)
		f := v - float64(seg)
		a, b := heatStops[seg], heatStops[seg+1]
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
		out[i] = color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 255}
	}
	return out
}

// shareGrid is the m×m row-share matrix as a plotter.GridXYZ whose first row is drawn at the top.
type shareGrid struct {
	m int
	z []float64
}

// Dims returns the number of columns and rows.
func (g shareGrid) Dims() (c, r int) { return g.m, g.m }

// Z returns the share at column c and plot row r (row 0 at the bottom).
func (g shareGrid) Z(c, r int) float64 { return g.z[(g.m-1-r)*g.m+c] }

// X returns the x coordinate of column c.
func (g shareGrid) X(c int) float64 { return float64(c) }

// Y returns the y coordinate of plot row r.
func (g shareGrid) Y(r int) float64 { return float64(r) }

// cellText prints each cell's share as a whole percentage when it is at least 1%, in white on
// dark cells and black on light ones.
type cellText struct {
	grid   shareGrid
	colors []color.Color
	size   vg.Length
}

// Plot draws the percentages.
func (t *cellText) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := text.Style{
		Font:    font.From(sans, t.size),
		XAlign:  draw.XCenter,
		YAlign:  draw.YCenter,
		Handler: p.TextHandler,
	}
	for r := range t.grid.m {
		for col := range t.grid.m {
			v := t.grid.Z(col, r)
			pct := math.Round(v * 100)
			if pct < 1 {
				continue
			}
			sty.Color = color.Black
			if v > 0.5 {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: trX(float64(col)), Y: trY(float64(r))}, fmt.Sprintf("%.0f", pct))
		}
	}
}

// drawColorBar fills c with the palette from 0 (bottom) to 1 (top), outlines it and labels it in
// percent on its right. Each band is drawn up to the top, the next one over it, so that no seam
// shows between bands.
func drawColorBar(c draw.Canvas, colors []color.Color, tickSize vg.Length) {
	h := c.Max.Y - c.Min.Y
	for i, col := range colors {
		y0 := c.Min.Y + h*vg.Length(i)/vg.Length(len(colors))
		c.FillPolygon(col, []vg.Point{{X: c.Min.X, Y: y0}, {X: c.Max.X, Y: y0}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}})
	}
	outline := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	c.StrokeLines(outline, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y},
		{X: c.Min.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Min.Y},
	})
	sty := text.Style{
		Color:   color.Black,
		Font:    font.From(sans, tickSize),
		XAlign:  draw.XLeft,
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
	for i := 0; i <= 4; i++ {
		y := c.Min.Y + h*vg.Length(i)/4
		c.StrokeLine2(outline, c.Max.X, y, c.Max.X+vg.Points(3), y)
		c.FillText(sty, vg.Point{X: c.Max.X + vg.Points(5), Y: y}, fmt.Sprintf("%d%%", i*25))
	}
	label := sty
	label.Font = font.From(sans, 10)
	label.XAlign, label.YAlign = draw.XCenter, draw.YTop
	label.Rotation = math.Pi / 2
	c.FillText(label, vg.Point{X: c.Max.X + vg.Points(5) + sty.Width("100%") + vg.Points(6), Y: (c.Min.Y + c.Max.Y) / 2},
		"share of the true class's examples")
}
