package ortlibtest

import (
	"os"
	"testing"

	"github.com/skillx/skillx/internal/ortlib"
)

// Init initialises ONNX Runtime through ortlib.Init. Where the library cannot be loaded it
// skips tb, or fails it when the environment variable SKILLX_REQUIRE_ORT is "1".
func Init(tb testing.TB) {
	tb.Helper()
	if err := ortlib.Init(); err != nil {
		if os.Getenv("SKILLX_REQUIRE_ORT") == "1" {
			tb.Fatalf("SKILLX_REQUIRE_ORT=1 but onnx runtime is unavailable: %v", err)
		}
		tb.Skipf("onnx runtime unavailable (run `make setup` or set SKILLX_ORT_LIB; SKILLX_REQUIRE_ORT=1 turns this skip into a failure): %v", err)
	}
}
