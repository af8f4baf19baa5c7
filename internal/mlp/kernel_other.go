//go:build !amd64

package mlp

// kernels lists the micro-kernels this CPU can run, fastest first.
func kernels() []kernel { return []kernel{kernelGo} }
