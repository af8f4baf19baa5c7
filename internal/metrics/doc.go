// Package metrics computes the classification metrics of the evaluate stage (weighted top-1 and
// top-5 accuracy, per-class precision, recall and F1, macro and weighted F1, the confusion matrix
// and its most confused pairs), renders them as CSV and Markdown, and provides the baselines the
// classifier is compared with (majority class, nearest class centroid) and the ranking metrics
// used to score predicted career transitions (hit@k, precision@k).
//
// Every number is weighted: an example counts with its weight, and a weight of 0 means 1. No
// result is ever NaN or infinite: a ratio whose denominator is zero is 0, so a Report can always
// be marshalled to JSON.
package metrics
