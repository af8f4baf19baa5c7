package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/skillx/skillx/internal/atomicfile"
)

// dpi is the resolution of every PNG.
const dpi = 120

// sans is the font family of every text.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Colours shared by the figures.
var (
	trainColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	valColor   = color.RGBA{R: 230, G: 110, B: 0, A: 255}
	bestColor  = color.RGBA{R: 90, G: 90, B: 90, A: 255}
)

// newPlot returns a plot whose texts use the sans font at the given sizes (in points).
func newPlot(titleSize, labelSize, tickSize vg.Length) *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
	}
	p.Legend.TextStyle.Font = font.From(sans, tickSize)
	return p
}

// encodePNG draws a figure of w×h onto a PNG canvas and returns the PNG; name names the
// figure in errors.
func encodePNG(name string, w, h vg.Length, drawFig func(c draw.Canvas)) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	drawFig(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode png %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// writePNG writes an encoded PNG to path atomically.
func writePNG(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("write png %s: %w", path, err)
	}
	return nil
}

// pixels returns the number of pixels that l spans at dpi, as vgimg rounds it.
func pixels(l vg.Length) int {
	return int(l/vg.Inch*dpi + 0.5)
}

// shorten returns s cut to at most n runes by replacing its middle with an ellipsis, keeping
// more of the start than of the end (role names often differ only in a trailing qualifier).
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n || n < 3 {
		return s
	}
	r := []rune(s)
	tail := (n - 1) * 2 / 5
	head := n - 1 - tail
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}
