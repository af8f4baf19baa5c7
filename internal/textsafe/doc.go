// Package textsafe keeps untrusted text (users files, command-line flags, a model's answer)
// from doing anything but being read: it finds and removes control characters, escapes them
// for display, and shortens text that is too long to show.
//
// Control characters here are the C0 controls (U+0000-U+001F), DEL (U+007F) and the C1
// controls (U+0080-U+009F): NUL truncates strings in C tools, BEL rings, and ESC starts the
// terminal sequences that recolour or retitle a terminal (ESC ] 0 ; title BEL) or move its
// cursor; C1's CSI (U+009B) and OSC (U+009D) do the same on some terminals. The explicit
// bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) count as
// control characters too: they make text display in another order than it is stored.
package textsafe
