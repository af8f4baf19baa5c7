package metrics

import (
	"fmt"
	"slices"
)

// HitAndPrecisionAtK scores ranked predictions against relevant sets, one query per index. For
// each query, hit is 1 when any of the first k predicted ids is relevant, and precision is the
// number of distinct relevant ids among the first k divided by k (a list shorter than k is still
// divided by k). An id is relevant when relevant[i][id] is true. It returns the means over the
// queries with a non-empty relevant set (evaluated) and the number of queries skipped because
// their set is empty; with nothing evaluated, or k <= 0, the means are 0. It panics when
// predicted and relevant differ in length.
func HitAndPrecisionAtK(predicted [][]int, relevant []map[int]bool, k int) (hit, precision float64, evaluated, skipped int) {
	if len(predicted) != len(relevant) {
		panic(fmt.Sprintf("metrics: %d predicted lists for %d relevant sets", len(predicted), len(relevant)))
	}
	var hits, precisions float64
	for i, rel := range relevant {
		empty := true
		for _, ok := range rel {
			if ok {
				empty = false
				break
			}
		}
		if empty {
			skipped++
			continue
		}
		evaluated++
		if k <= 0 {
			continue
		}
		top := predicted[i][:min(k, len(predicted[i]))]
		found := 0
		for j, id := range top {
			if rel[id] && !slices.Contains(top[:j], id) {
				found++
			}
		}
		if found > 0 {
			hits++
		}
		precisions += float64(found) / float64(k)
	}
	if evaluated > 0 {
		hit = hits / float64(evaluated)
		precision = precisions / float64(evaluated)
	}
	return hit, precision, evaluated, skipped
}
