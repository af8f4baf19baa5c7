package metrics

import (
	"fmt"
	"math"
)

// checkClasses panics unless every id in ys is a class id below classes.
func checkClasses(what string, ys []int, classes int) {
	for i, y := range ys {
		if y < 0 || y >= classes {
			panic(fmt.Sprintf("metrics: %s[%d] = %d out of range [0, %d)", what, i, y, classes))
		}
	}
}

// checkWeights panics unless ws is nil or has n entries.
func checkWeights(what string, ws []float64, n int) {
	if ws != nil && len(ws) != n {
		panic(fmt.Sprintf("metrics: %d %s for %d examples", len(ws), what, n))
	}
}

// at returns ws[i] as a weight (0 means 1), or 1 when ws is nil.
func at(ws []float64, i int) float64 {
	if ws == nil {
		return 1
	}
	return weightOf(ws[i])
}

// testPredictions makes one Prediction per test example, each ranking by ranked(i).
func testPredictions(testY []int, testW []float64, ranked func(i int) []int) []Prediction {
	out := make([]Prediction, len(testY))
	for i, y := range testY {
		out[i] = Prediction{True: y, Ranked: ranked(i), Weight: at(testW, i)}
	}
	return out
}

// MajorityBaseline predicts the most frequent (weighted) training class for every example: each
// Prediction ranks all classes by falling training weight, ties to the lower id. The Ranked slice
// is shared by all predictions and must not be modified. Weight slices may be nil (all 1); a
// weight of 0 means 1. It panics when a class id is out of range or a weight slice's length
// does not match its labels.
func MajorityBaseline(trainY []int, trainW []float64, classes int, testY []int, testW []float64) []Prediction {
	checkClasses("trainY", trainY, classes)
	checkClasses("testY", testY, classes)
	checkWeights("trainW", trainW, len(trainY))
	checkWeights("testW", testW, len(testY))
	freq := make([]float64, classes)
	for i, y := range trainY {
		freq[y] += at(trainW, i)
	}
	ranked := topK(freq, classes)
	return testPredictions(testY, testW, func(int) []int { return ranked })
}

// CentroidBaseline predicts by cosine similarity to each class's mean training vector (the
// weighted mean of its L2-normalised rows of dimension d): each Prediction ranks the top
// min(5, classes) classes, ties to the lower id; classes with no training example rank last.
// Weight slices may be nil (all 1); a weight of 0 means 1. It panics when the vector lengths do
// not match the labels and d, when a class id is out of range, or when a weight slice's length
// does not match its labels.
func CentroidBaseline(trainX []float32, trainY []int, trainW []float64, classes, d int, testX []float32, testY []int, testW []float64) []Prediction {
	if d <= 0 || len(trainX) != len(trainY)*d || len(testX) != len(testY)*d {
		panic(fmt.Sprintf("metrics: centroid baseline: %d train and %d test values do not hold %d and %d rows of dimension %d",
			len(trainX), len(testX), len(trainY), len(testY), d))
	}
	checkClasses("trainY", trainY, classes)
	checkClasses("testY", testY, classes)
	checkWeights("trainW", trainW, len(trainY))
	checkWeights("testW", testW, len(testY))

	centroids := make([]float64, classes*d)
	seen := make([]bool, classes)
	for i, y := range trainY {
		w := at(trainW, i)
		c := centroids[y*d : (y+1)*d]
		for j, v := range trainX[i*d : (i+1)*d] {
			c[j] += w * float64(v)
		}
		seen[y] = true
	}
	// Normalising the summed vector gives the same direction as normalising the mean.
	for k := range classes {
		c := centroids[k*d : (k+1)*d]
		var norm float64
		for _, v := range c {
			norm += v * v
		}
		if norm = math.Sqrt(norm); norm > 0 {
			for j := range c {
				c[j] /= norm
			}
		}
	}
	depth := min(TopFiveDepth, classes)
	scores := make([]float64, classes)
	return testPredictions(testY, testW, func(i int) []int {
		x := testX[i*d : (i+1)*d]
		for k := range classes {
			if !seen[k] {
				scores[k] = math.Inf(-1)
				continue
			}
			var dot float64
			for j, v := range centroids[k*d : (k+1)*d] {
				dot += v * float64(x[j])
			}
			scores[k] = dot
		}
		return topK(scores, depth)
	})
}
