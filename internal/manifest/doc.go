// Package manifest records how every output file was made: its inputs with size and sha256, the
// parameters, the encoder and model ids, the skillx version, row counts and wall time. It is
// written beside the output as <file>.manifest.json and lets a stage skip work whose inputs and
// parameters have not changed.
package manifest
