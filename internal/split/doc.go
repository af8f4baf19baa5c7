// Package split assigns training examples to train, validation and test sets, seeded and
// reproducible: by group (each distinct posting skills text with its samples), so that no text
// is on both sides, or by row, as the prototype did (which leaks when texts repeat). A group's
// side depends only on the seed and the group id, so train and evaluate agree without storing
// lists.
package split

// Side is where an example goes.
type Side uint8

// The sides of a split.
const (
	Train Side = iota
	Validation
	Test
)

// String returns the side's name.
func (s Side) String() string {
	switch s {
	case Train:
		return "train"
	case Validation:
		return "validation"
	case Test:
		return "test"
	}
	return "unknown"
}
