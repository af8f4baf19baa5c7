// Package ortlibtest gives tests one way to require the ONNX Runtime library: skip with a
// reason where it is absent, fail instead when SKILLX_REQUIRE_ORT=1 (as CI sets it).
package ortlibtest
