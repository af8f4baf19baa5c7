// Package mlpfit holds the settings of the pipeline's MLP classifier and fits one from them,
// so that the stages that train classifiers share them without importing each other: train
// fits its serving and evaluation models with the settings of its Config, and evaluate fits
// its comparison model (the prototype's row-level split) with the settings a trained model
// recorded in its classifier.json.
package mlpfit
