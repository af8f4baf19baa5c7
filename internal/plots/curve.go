package plots

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Training-curve geometry.
const (
	curveWidth  = 9 * vg.Inch
	curveHeight = 7 * vg.Inch
)

// series is one named per-epoch curve.
type series struct {
	name   string
	values []float64
	val    bool // a validation series (drawn dashed, in the validation colour)
}

// noValidation is the legend entry and title note of a run without a validation set.
const noValidation = "no validation set"

// TrainingCurve writes a PNG of per-epoch training curves to path: training and validation loss
// in the top panel, training and validation accuracy in the bottom one, with the best epoch
// marked by a vertical line (and a ring on the validation curves) in both. best is an epoch
// number, one of epochs; a negative best marks nothing. Any of the four series may be empty
// (nil) to leave it out, and the accuracy panel is left out when both accuracy series are.
// When both validation series are empty (a run without a validation set), only the training
// curves are drawn, the title and legends say "no validation set", and no best epoch is
// marked: it was chosen without validation figures. It fails when epochs is empty or not
// strictly increasing, when a series is neither empty nor as long as epochs, when every series
// is empty, when a value is not finite, or when a non-negative best is not in epochs.
func TrainingCurve(path string, epochs []int, trainLoss, valLoss, trainAcc, valAcc []float64, best int, title string) error {
	data, err := TrainingCurvePNG(path, epochs, trainLoss, valLoss, trainAcc, valAcc, best, title)
	if err != nil {
		return err
	}
	return writePNG(path, data)
}

// TrainingCurvePNG draws what TrainingCurve writes and returns the PNG, for a caller that
// publishes it with other files; name names the figure in errors.
func TrainingCurvePNG(name string, epochs []int, trainLoss, valLoss, trainAcc, valAcc []float64, best int, title string) ([]byte, error) {
	panels, _, err := curvePanels(epochs, trainLoss, valLoss, trainAcc, valAcc, best, title)
	if err != nil {
		return nil, fmt.Errorf("training curve %s: %w", name, err)
	}
	return encodePNG(name, curveWidth, curveHeight, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6),
			PadLeft: vg.Points(6), PadRight: vg.Points(12), PadY: vg.Points(14)}
		grid := make([][]*plot.Plot, len(panels))
		for i, p := range panels {
			grid[i] = []*plot.Plot{p}
		}
		canvases := plot.Align(grid, tiles, c)
		for i, p := range panels {
			p.Draw(canvases[i][0])
		}
	})
}

// curvePanels checks TrainingCurve's inputs and returns its panels, top first, with the
// legend entries of each.
func curvePanels(epochs []int, trainLoss, valLoss, trainAcc, valAcc []float64, best int, title string) ([]*plot.Plot, [][]string, error) {
	loss := []series{{"training loss", trainLoss, false}, {"validation loss", valLoss, true}}
	acc := []series{{"training accuracy", trainAcc, false}, {"validation accuracy", valAcc, true}}
	if err := checkCurves(epochs, append(slices.Clone(loss), acc...), best); err != nil {
		return nil, nil, err
	}
	noVal := len(valLoss) == 0 && len(valAcc) == 0
	bestIdx := slices.Index(epochs, best)
	if noVal {
		bestIdx = -1
	}

	var panels []*plot.Plot
	var legends [][]string
	for _, group := range [][]series{loss, acc} {
		if len(group[0].values) == 0 && len(group[1].values) == 0 {
			continue
		}
		p, legend, err := curvePanel(epochs, group, bestIdx)
		if err != nil {
			return nil, nil, err
		}
		if noVal {
			p.Legend.Add(noValidation)
			legend = append(legend, noValidation)
		}
		panels, legends = append(panels, p), append(legends, legend)
	}
	panels[0].Title.Text = title
	switch {
	case noVal:
		panels[0].Title.Text += " (" + noValidation + ")"
	case bestIdx >= 0:
		panels[0].Title.Text += fmt.Sprintf(" (best epoch %d)", best)
	}
	panels[0].Y.Label.Text = "loss"
	panels[len(panels)-1].X.Label.Text = "epoch"
	if len(panels) == 2 {
		panels[1].Y.Label.Text = "accuracy"
	} else if len(acc[0].values)+len(acc[1].values) > 0 {
		panels[0].Y.Label.Text = "accuracy"
	}
	return panels, legends, nil
}

// checkCurves checks TrainingCurve's inputs.
func checkCurves(epochs []int, all []series, best int) error {
	if len(epochs) == 0 {
		return errors.New("no epochs")
	}
	for i := 1; i < len(epochs); i++ {
		if epochs[i] <= epochs[i-1] {
			return fmt.Errorf("epochs not strictly increasing at index %d (%d after %d)", i, epochs[i], epochs[i-1])
		}
	}
	present := 0
	for _, s := range all {
		if len(s.values) == 0 {
			continue
		}
		present++
		if len(s.values) != len(epochs) {
			return fmt.Errorf("%s has %d values for %d epochs", s.name, len(s.values), len(epochs))
		}
		for i, v := range s.values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s at epoch %d is %v", s.name, epochs[i], v)
			}
		}
	}
	if present == 0 {
		return errors.New("no series to plot")
	}
	if best >= 0 && !slices.Contains(epochs, best) {
		return fmt.Errorf("best epoch %d is not one of the epochs", best)
	}
	return nil
}

// curvePanel returns one panel with the non-empty series of group, a grid, a legend, and the best
// epoch (index bestIdx into epochs, or -1) marked, and the names in its legend.
func curvePanel(epochs []int, group []series, bestIdx int) (*plot.Plot, []string, error) {
	var legend []string
	p := newPlot(14, 12, 10)
	p.Add(plotter.NewGrid())
	p.Legend.Top = group[0].name == "training loss" // loss falls, accuracy rises: keep clear of the curves
	p.Legend.Left = false
	p.Legend.Padding = vg.Points(4)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range group {
		if len(s.values) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(epochs))
		for i, e := range epochs {
			xys[i] = plotter.XY{X: float64(e), Y: s.values[i]}
			lo, hi = min(lo, s.values[i]), max(hi, s.values[i])
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.name, err)
		}
		line.Width = vg.Points(1.5)
		line.Color = trainColor
		points.Color = trainColor
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2)
		if s.val {
			line.Color, points.Color = valColor, valColor
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		if len(epochs) > 40 {
			points.Radius = 0 // dots would crowd a long run
		}
		p.Add(line, points)
		p.Legend.Add(s.name, line)
		legend = append(legend, s.name)
		if bestIdx >= 0 && s.val {
			ring, err := plotter.NewScatter(plotter.XYs{xys[bestIdx]})
			if err != nil {
				return nil, nil, fmt.Errorf("%s best epoch: %w", s.name, err)
			}
			ring.Shape = draw.RingGlyph{}
			ring.Radius = vg.Points(6)
			ring.Color = bestColor
			p.Add(ring)
		}
	}
	// Give flat curves some room, and keep the axis from collapsing on a single value.
	pad := (hi - lo) * 0.08
	if pad == 0 {
		pad = math.Max(math.Abs(hi)*0.1, 0.1)
	}
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	first, last := float64(epochs[0]), float64(epochs[len(epochs)-1])
	p.X.Min, p.X.Max = first-0.5, last+0.5
	p.X.Tick.Marker = epochTicks{}
	if bestIdx >= 0 {
		x := float64(epochs[bestIdx])
		mark, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return nil, nil, fmt.Errorf("best epoch line: %w", err)
		}
		mark.Color = bestColor
		mark.Width = vg.Points(1)
		mark.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(mark)
		name := fmt.Sprintf("best epoch %d", epochs[bestIdx])
		p.Legend.Add(name, mark)
		legend = append(legend, name)
	}
	return p, legend, nil
}

// epochTicks marks whole epochs only, at a step of 1, 2, 5, 10, 20, 50... that gives at most
// about 15 labels.
type epochTicks struct{}

// Ticks returns the ticks between min and max.
func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := math.Ceil(lo), math.Floor(hi)
	step := 1.0
	for i := 0; (last-first)/step > 15; i++ {
		step *= []float64{2, 2.5, 2}[i%3]
	}
	var ticks []plot.Tick
	for v := math.Ceil(first/step) * step; v <= last; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return ticks
}
