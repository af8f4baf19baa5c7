package rank

import (
	"math"
	"testing"
)

func TestFuse(t *testing.T) {
	cls := []float32{0.5, 0.25, 0.25}
	ret := []float32{0.1, 0.2, 0.0}
	role := []float32{0, 0, 0.5}
	dst := make([]float32, 3)
	Fuse(cls, ret, role, 0.5, 0.2, dst)
	// Each signal over its maximum: cls 1, .5, .5; ret .5, 1, 0; role 0, 0, 1.
	want := []float32{0.8 * (0.5*0.5 + 0.5*1), 0.8 * (0.5*1 + 0.5*0.5), 0.8*(0.5*0+0.5*0.5) + 0.2}
	for i := range want {
		if math.Abs(float64(dst[i]-want[i])) > 1e-6 {
			t.Errorf("fused[%d] = %v; want %v", i, dst[i], want[i])
		}
	}
	// A missing classifier gives its weight to retrieval; a missing role to the skills.
	Fuse(nil, ret, nil, 0.9, 0.9, dst)
	if dst[0] != 0.5 || dst[1] != 1 || dst[2] != 0 {
		t.Errorf("retrieval alone = %v; want [0.5 1 0]", dst)
	}
}

func TestChooseAlphaFollowsTheBetterSignal(t *testing.T) {
	// Classifier right on every query, retrieval ranking 5 wrong roles first: α must pass
	// 0.5; and the reverse.
	right := [][]float32{{1, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0, 0}}
	wrong := [][]float32{{0, 1, 1, 1, 1, 1, 0}, {1, 0, 1, 1, 1, 1, 0}}
	truth := []int{0, 1}
	if a, top5 := ChooseAlpha(right, wrong, truth); a != 0.6 || top5 != 1 {
		t.Errorf("classifier right: α %v top-5 %v; want 0.6 (the smallest that ranks it first) and 1", a, top5)
	}
	if a, top5 := ChooseAlpha(wrong, right, truth); a != 0 || top5 != 1 {
		t.Errorf("retrieval right: α %v top-5 %v; want 0 and 1", a, top5)
	}
	if t1, t5 := Accuracy(right, wrong, nil, truth, 0, 0); t1 != 0 || t5 != 0 {
		t.Errorf("retrieval alone: top-1 %v top-5 %v; want 0 and 0", t1, t5)
	}
	if err := Validate(Weights{Classifier: 1.5}); err == nil {
		t.Errorf("Validate accepted a weight of 1.5")
	}
}
