// Package plots draws the evaluate and train stages' PNG figures with gonum.org/v1/plot: a
// row-normalised confusion heatmap of a chosen set of classes, and per-epoch training curves
// (loss and accuracy) with the best epoch marked. Every figure is rendered in memory and written
// through internal/atomicfile, so a failed or interrupted run never leaves half an image.
package plots
