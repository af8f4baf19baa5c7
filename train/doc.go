// Package train is the fourth stage of the pipeline: it trains the skills-to-role MLP on
// data/features (split by group, so that a posting's text and its samples stay on one side),
// keeps a grouped test split out of training for the evaluate stage, and writes
// models/classifier.onnx, models/classifier.json and the training curve.
package train
