package mlp

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// DefaultHidden is the hidden layer widths used when Config.Hidden is nil: those of the
// prototype's Keras model.
var DefaultHidden = []int{512, 256, 128}

// Config describes the network and how to train it. Zero values select the defaults named
// on each field.
type Config struct {
	// Input is the width of a feature vector (384 for MiniLM embeddings).
	Input int
	// Hidden holds the widths of the hidden ReLU layers; nil means DefaultHidden, an empty
	// non-nil slice means none (multinomial logistic regression).
	Hidden []int
	// Classes is the number of output classes, at least 2.
	Classes int

	// LearningRate is Adam's step size (default 1e-3).
	LearningRate float64
	// Beta1, Beta2 and Eps are Adam's moment decay rates and denominator term (defaults
	// 0.9, 0.999 and 1e-8, as in PyTorch and Keras).
	Beta1, Beta2, Eps float64

	// BatchSize is the number of examples per gradient step (default 256).
	BatchSize int
	// Epochs is the maximum number of passes over the training set (default 30).
	Epochs int
	// Patience stops training once the validation result has not improved for this many
	// epochs (an improvement is a higher accuracy, or the same accuracy with a lower loss);
	// 0 turns early stopping off.
	Patience int

	// Seed selects the initial weights and the order of the examples in every epoch.
	Seed uint64
	// Threads is the number of goroutines that compute in parallel (default
	// runtime.GOMAXPROCS(0)). Results do not depend on it.
	Threads int
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Hidden == nil {
		c.Hidden = DefaultHidden
	}
	c.Hidden = slices.Clone(c.Hidden)
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.LearningRate, 1e-3)
	def(&c.Beta1, 0.9)
	def(&c.Beta2, 0.999)
	def(&c.Eps, 1e-8)
	if c.BatchSize == 0 {
		c.BatchSize = 256
	}
	if c.Epochs == 0 {
		c.Epochs = 30
	}
	if c.Threads == 0 {
		c.Threads = defaultThreads()
	}
	return c
}

// validate reports every invalid field of c, which has its defaults applied.
func (c Config) validate() error {
	var errs []error
	if c.Input < 1 {
		errs = append(errs, fmt.Errorf("input width is %d; want at least 1", c.Input))
	}
	for i, h := range c.Hidden {
		if h < 1 {
			errs = append(errs, fmt.Errorf("hidden layer %d has width %d; want at least 1", i, h))
		}
	}
	if c.Classes < 2 {
		errs = append(errs, fmt.Errorf("classes is %d; want at least 2", c.Classes))
	}
	pos := func(name string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("%s is %g; want a positive finite number", name, v))
		}
	}
	pos("learning rate", c.LearningRate)
	pos("adam eps", c.Eps)
	for _, b := range []struct {
		name string
		v    float64
	}{{"adam beta1", c.Beta1}, {"adam beta2", c.Beta2}} {
		if !(b.v >= 0 && b.v < 1) {
			errs = append(errs, fmt.Errorf("%s is %g; want 0 <= beta < 1", b.name, b.v))
		}
	}
	if c.BatchSize < 1 {
		errs = append(errs, fmt.Errorf("batch size is %d; want at least 1", c.BatchSize))
	}
	if c.Epochs < 1 {
		errs = append(errs, fmt.Errorf("epochs is %d; want at least 1", c.Epochs))
	}
	if c.Patience < 0 {
		errs = append(errs, fmt.Errorf("patience is %d; want 0 (off) or more", c.Patience))
	}
	if c.Threads < 1 {
		errs = append(errs, fmt.Errorf("threads is %d; want at least 1 (0 for the default)", c.Threads))
	}
	return errors.Join(errs...)
}

// sizes returns the layer widths: Input, the hidden widths, Classes.
func (c Config) sizes() []int {
	s := make([]int, 0, len(c.Hidden)+2)
	s = append(s, c.Input)
	s = append(s, c.Hidden...)
	return append(s, c.Classes)
}

// MACs returns the multiply-adds of one forward pass for one example: Σ in·out over the
// layers. A training step costs about 3·2·MACs floating-point operations per example
// (forward, backward to the data, backward to the weights), the convention of the PyTorch
// anchor script.
func (c Config) MACs() int {
	s := c.withDefaults().sizes()
	n := 0
	for l := range len(s) - 1 {
		n += s[l] * s[l+1]
	}
	return n
}

// Dataset is a set of labelled examples: n feature vectors in X (row-major, n·Input
// floats), their classes in Y (len n, each in [0, Classes)), and optional non-negative
// example weights in W (nil means weight 1 each).
type Dataset struct {
	X []float32
	Y []int32
	W []float32
}

// Len returns the number of examples, len(d.Y).
func (d Dataset) Len() int { return len(d.Y) }

// validate checks d's shapes, labels and weights against c.
func (d Dataset) validate(c Config) error {
	n := len(d.Y)
	if len(d.X) != n*c.Input {
		return fmt.Errorf("x holds %d floats; want %d examples × %d = %d", len(d.X), n, c.Input, n*c.Input)
	}
	if d.W != nil && len(d.W) != n {
		return fmt.Errorf("w holds %d weights; want one per example (%d)", len(d.W), n)
	}
	for i, y := range d.Y {
		if y < 0 || int(y) >= c.Classes {
			return fmt.Errorf("example %d has label %d; want 0 <= label < %d classes", i, y, c.Classes)
		}
	}
	for i, w := range d.W {
		if !(w >= 0) || math.IsInf(float64(w), 0) {
			return fmt.Errorf("example %d has weight %g; want a finite weight >= 0", i, w)
		}
	}
	return nil
}

// weight returns example i's weight.
func (d Dataset) weight(i int) float32 {
	if d.W == nil {
		return 1
	}
	return d.W[i]
}

// EpochStats describes one epoch of training. Losses and accuracies are weighted by the
// example weights.
type EpochStats struct {
	// Epoch counts from 1.
	Epoch int
	// Loss is the mean cross-entropy over the training examples, measured during the epoch
	// (as Keras reports it), and TrainAcc the accuracy measured the same way.
	Loss, TrainAcc float64
	// ValLoss and ValAcc are measured on the validation set after the epoch; both are 0
	// without one.
	ValLoss, ValAcc float64
	// Seconds is the wall time of the whole epoch, validation included.
	Seconds float64
	// ExamplesPerSec and GFLOPS measure the training pass alone (validation excluded);
	// GFLOPS counts 6·Config.MACs() floating-point operations per example.
	ExamplesPerSec, GFLOPS float64
}
