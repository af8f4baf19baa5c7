// Package ortlib locates the ONNX Runtime shared library (libonnxruntime.so.1, version 1.24.1)
// and initialises github.com/yalue/onnxruntime_go with it, once per process.
//
// The library is looked for, in order, at $SKILLX_ORT_LIB, in the skillx cache folder where
// `make setup` puts it ($SKILLX_CACHE_DIR, else $XDG_CACHE_HOME/skillx, else ~/.cache/skillx,
// then onnxruntime-1.24.1/libonnxruntime.so.1), and in the usual system library folders.
// Every package that runs a model calls Init before creating a session; the ONNX Runtime
// environment then lives until the process exits.
package ortlib
