// Package progress shows progress bars on stderr when stderr is a terminal, and nothing
// otherwise, so that logs and CI output stay clean.
package progress
