package metrics

import (
	"math"
	"slices"
	"testing"
)

func TestMajorityBaseline(t *testing.T) {
	trainY := []int{0, 1, 1, 2}
	testY := []int{1, 2}
	tests := []struct {
		name   string
		trainW []float64
		want   []int
	}{
		{"unweighted", nil, []int{1, 0, 2}},                 // 1 twice, 0 and 2 once (tie to lower id)
		{"weighted", []float64{5, 1, 1, 0}, []int{0, 1, 2}}, // 0 weighs 5, 1 weighs 2, 2 weighs 1 (0 means 1)
	}
	for _, tt := range tests {
		preds := MajorityBaseline(trainY, tt.trainW, 3, testY, []float64{2, 0})
		if len(preds) != len(testY) {
			t.Fatalf("MajorityBaseline(%s) gave %d predictions; want %d", tt.name, len(preds), len(testY))
		}
		for i, p := range preds {
			if !slices.Equal(p.Ranked, tt.want) || p.True != testY[i] {
				t.Errorf("MajorityBaseline(%s)[%d] = %+v; want true %d ranked %v", tt.name, i, p, testY[i], tt.want)
			}
		}
		if preds[0].Weight != 2 || preds[1].Weight != 1 {
			t.Errorf("MajorityBaseline(%s) weights = %v, %v; want 2, 1", tt.name, preds[0].Weight, preds[1].Weight)
		}
	}
}

// unit returns (x, y) scaled to length 1.
func unit(x, y float64) []float32 {
	n := math.Hypot(x, y)
	return []float32{float32(x / n), float32(y / n)}
}

func TestCentroidBaseline(t *testing.T) {
	// Class 0 points along +x, class 1 along +y, class 2 along -x; class 3 has no training rows.
	var trainX []float32
	for _, v := range [][]float32{unit(1, 0.1), unit(1, -0.1), unit(0.1, 1), unit(-1, 0)} {
		trainX = append(trainX, v...)
	}
	trainY := []int{0, 0, 1, 2}
	var testX []float32
	for _, v := range [][]float32{unit(1, 0.2), unit(0.2, 1), unit(-1, -0.5)} {
		testX = append(testX, v...)
	}
	testY := []int{0, 1, 1}
	preds := CentroidBaseline(trainX, trainY, nil, 4, 2, testX, testY, nil)
	// Cosines of the third test row (-1, -0.5)/|.|: -x 0.894, +y -0.447, +x -0.894.
	want := [][]int{
		{0, 1, 2, 3}, // class 3 has no training rows and ranks last
		{1, 0, 2, 3},
		{2, 1, 0, 3},
	}
	for i, p := range preds {
		if !slices.Equal(p.Ranked, want[i]) || p.True != testY[i] || p.Weight != 1 {
			t.Errorf("CentroidBaseline[%d] = %+v; want true %d ranked %v weight 1", i, p, testY[i], want[i])
		}
	}
	r, err := Evaluate(preds, []string{"x", "y", "-x", "none"}, 3)
	if err != nil {
		t.Fatalf("Evaluate(centroid): %v", err)
	}
	if want := 2.0 / 3; !near(r.Top1, want) {
		t.Errorf("Evaluate(centroid).Top1 = %v; want %v", r.Top1, want)
	}
}

func TestCentroidBaselineWeights(t *testing.T) {
	// Class 0 has one row at +x with weight 3 and one at +y with weight 1: its centroid leans to
	// +x. Class 1 sits at 45 degrees. A test row at +x is closest to class 0.
	trainX := []float32{1, 0, 0, 1}
	trainX = append(trainX, unit(1, 1)...)
	trainY := []int{0, 0, 1}
	preds := CentroidBaseline(trainX, trainY, []float64{3, 1, 1}, 2, 2, []float32{1, 0}, []int{0}, nil)
	if want := []int{0, 1}; !slices.Equal(preds[0].Ranked, want) {
		t.Errorf("CentroidBaseline(weighted).Ranked = %v; want %v", preds[0].Ranked, want)
	}
	// Unweighted, class 0's centroid is at 45 degrees too; the tie goes to the lower id.
	preds = CentroidBaseline(trainX, trainY, nil, 2, 2, []float32{1, 0}, []int{0}, nil)
	if want := []int{0, 1}; !slices.Equal(preds[0].Ranked, want) {
		t.Errorf("CentroidBaseline(unweighted).Ranked = %v; want %v", preds[0].Ranked, want)
	}
}

func TestBaselinesPanicOnBadInput(t *testing.T) {
	tests := []struct {
		name string
		call func()
	}{
		{"majority class out of range", func() { MajorityBaseline([]int{3}, nil, 3, nil, nil) }},
		{"majority weights length", func() { MajorityBaseline([]int{0}, []float64{1, 1}, 3, nil, nil) }},
		{"centroid rows", func() { CentroidBaseline([]float32{1, 0, 1}, []int{0}, nil, 2, 2, nil, nil, nil) }},
		{"centroid test class", func() { CentroidBaseline([]float32{1, 0}, []int{0}, nil, 2, 2, []float32{1, 0}, []int{2}, nil) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic; want one", tt.name)
				}
			}()
			tt.call()
		}()
	}
}
