package metrics

import "testing"

func TestHitAndPrecisionAtK(t *testing.T) {
	predicted := [][]int{
		{1, 2, 3, 4}, // relevant {2, 9}: k=1 miss; k=2 hit, 1 found
		{5, 6, 7, 8}, // relevant {8}: k=1 and k=2 miss
		{1, 2},       // relevant {}: skipped
		{3, 3, 4},    // relevant {3, 4}: k=1 hit 1/1; k=2 hit, duplicate counted once -> 1/2
		{9},          // relevant {9, 10 (false)}: k=1 hit 1/1; k=2 hit 1/2 (short list still / k)
	}
	relevant := []map[int]bool{
		{2: true, 9: true},
		{8: true},
		{4: false},
		{3: true, 4: true},
		{9: true, 10: false},
	}
	tests := []struct {
		k                  int
		hit, precision     float64
		evaluated, skipped int
	}{
		{1, (0 + 0 + 1 + 1) / 4.0, (0 + 0 + 1 + 1) / 4.0, 4, 1},
		{2, (1 + 0 + 1 + 1) / 4.0, (0.5 + 0 + 0.5 + 0.5) / 4.0, 4, 1},
		{4, (1 + 1 + 1 + 1) / 4.0, (0.25 + 0.25 + 0.5 + 0.25) / 4.0, 4, 1},
		{0, 0, 0, 4, 1},
	}
	for _, tt := range tests {
		hit, precision, evaluated, skipped := HitAndPrecisionAtK(predicted, relevant, tt.k)
		if !near(hit, tt.hit) || !near(precision, tt.precision) || evaluated != tt.evaluated || skipped != tt.skipped {
			t.Errorf("HitAndPrecisionAtK(k=%d) = %v, %v, %d, %d; want %v, %v, %d, %d",
				tt.k, hit, precision, evaluated, skipped, tt.hit, tt.precision, tt.evaluated, tt.skipped)
		}
	}
	hit, precision, evaluated, skipped := HitAndPrecisionAtK([][]int{{1}}, []map[int]bool{nil}, 3)
	if hit != 0 || precision != 0 || evaluated != 0 || skipped != 1 {
		t.Errorf("HitAndPrecisionAtK(all empty) = %v, %v, %d, %d; want 0, 0, 0, 1", hit, precision, evaluated, skipped)
	}
}
