package classifier

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/ortlib"
)

// The classifier's input and output names.
const (
	InputName  = "embedding"
	OutputName = "probabilities"
)

// Runner runs an ONNX classifier through ONNX Runtime.
type Runner struct {
	session *ort.DynamicAdvancedSession
	dim     int
	classes int
	path    string
}

// NewRunner loads the classifier at path and checks its signature: input "embedding" of width
// dim (when the model fixes it) and output "probabilities" with one column per label.
func NewRunner(path string, dim, labels int) (*Runner, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	ins, outs, err := onnxpb.ReadSignature(data)
	if err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	if len(ins) != 1 || ins[0].Name != InputName || len(outs) < 1 || outs[0].Name != OutputName {
		return nil, fmt.Errorf("load classifier %s: inputs %v and outputs %v; want one input %q [N, %d] and an output %q [N, classes]",
			path, names(ins), names(outs), InputName, dim, OutputName)
	}
	if w := lastDim(ins[0]); w > 0 && w != int64(dim) {
		return nil, fmt.Errorf("load classifier %s: the model takes vectors of width %d but the features have %d (trained with another encoder?)", path, w, dim)
	}
	if c := lastDim(outs[0]); c > 0 && c != int64(labels) {
		return nil, fmt.Errorf("load classifier %s: the model has %d outputs but the labels file has %d labels", path, c, labels)
	}
	if err := ortlib.Init(); err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	defer opts.Destroy()
	if err := opts.SetIntraOpNumThreads(runtime.NumCPU()); err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	s, err := ort.NewDynamicAdvancedSessionWithONNXData(data, []string{InputName}, []string{OutputName}, opts)
	if err != nil {
		return nil, fmt.Errorf("load classifier %s: %w", path, err)
	}
	return &Runner{session: s, dim: dim, classes: labels, path: path}, nil
}

func names(vs []onnxpb.ValueInfo) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func lastDim(v onnxpb.ValueInfo) int64 {
	if len(v.Shape) == 0 {
		return 0
	}
	return v.Shape[len(v.Shape)-1].Value
}

// Predict returns n rows of class probabilities for the n rows of x, in batches.
func (r *Runner) Predict(x []float32, n int) ([]float32, error) {
	if len(x) != n*r.dim {
		return nil, fmt.Errorf("classify: %d values for %d rows of width %d", len(x), n, r.dim)
	}
	out := make([]float32, 0, n*r.classes)
	const batch = 1024
	for start := 0; start < n; start += batch {
		rows := min(batch, n-start)
		probs, err := r.run(x[start*r.dim:(start+rows)*r.dim], rows)
		if err != nil {
			return nil, err
		}
		out = append(out, probs...)
	}
	return out, nil
}

func (r *Runner) run(x []float32, rows int) (probs []float32, err error) {
	in, err := ort.NewTensor(ort.NewShape(int64(rows), int64(r.dim)), x)
	if err != nil {
		return nil, fmt.Errorf("classify with %s: %w", r.path, err)
	}
	defer in.Destroy()
	outs := []ort.Value{nil}
	if err := r.session.Run([]ort.Value{in}, outs); err != nil {
		return nil, fmt.Errorf("classify with %s: %w", r.path, err)
	}
	defer func() { err = errors.Join(err, outs[0].Destroy()) }()
	t, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, fmt.Errorf("classify with %s: output %q is not float32", r.path, OutputName)
	}
	shape := t.GetShape()
	if len(shape) != 2 || shape[0] != int64(rows) || shape[1] != int64(r.classes) {
		return nil, fmt.Errorf("classify with %s: output shape %v; want [%d %d]", r.path, shape, rows, r.classes)
	}
	return append([]float32(nil), t.GetData()...), nil
}

// Close frees the session.
func (r *Runner) Close() error {
	if r.session == nil {
		return nil
	}
	err := r.session.Destroy()
	r.session = nil
	return err
}
