// Package evaluate is the fifth stage of the pipeline: it runs models/classifier.onnx through
// ONNX Runtime on data it has not seen and reports accuracy that cannot fool anyone: the
// grouped split (no skills text on both sides) as the headline, 5-skill queries like what a
// person types, the prototype's row-level split for comparison only with its leakage measured
// beside it, and baselines (majority class, nearest role centroid).
package evaluate
