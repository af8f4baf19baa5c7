// Package atomicfile writes files crash-safely: data goes to a temporary file in the target's
// folder, which is synced, closed and renamed into place, and the folder is synced. A writer
// that is abandoned (error, panic, cancellation) removes its temporary file, so readers see the
// previous complete file or the new complete one, never half of one.
package atomicfile
