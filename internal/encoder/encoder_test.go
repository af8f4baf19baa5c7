package encoder

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/skillx/skillx/internal/hashenc"
)

func TestHashing(t *testing.T) {
	tests := []struct {
		dim     int
		wantID  string
		wantDim int
	}{{0, "hashing-v1-384", 384}, {64, "hashing-v1-64", 64}}
	for _, tt := range tests {
		var e Encoder = Hashing(tt.dim)
		if got := e.ID(); got != tt.wantID {
			t.Errorf("Hashing(%d).ID() = %q; want %q", tt.dim, got, tt.wantID)
		}
		if got := e.Dim(); got != tt.wantDim {
			t.Errorf("Hashing(%d).Dim() = %d; want %d", tt.dim, got, tt.wantDim)
		}
		texts := []string{"Python, SQL", "", "data analysis", "\xffJava"}
		got, err := e.Encode(context.Background(), texts)
		if err != nil {
			t.Fatalf("Encode() error = %v", err)
		}
		direct := hashenc.New(tt.dim)
		for i, text := range texts {
			want := make([]float32, tt.wantDim)
			direct.Encode(text, want)
			if d := maxDiff(t, got[i:i+1], [][]float32{want}); d != 0 {
				t.Errorf("Encode()[%d] differs from hashenc by %v; want 0", i, d)
			}
			if n := norm(got[i]); text != "" && math.Abs(n-1) > 1e-6 {
				t.Errorf("norm of Encode(%q) = %v; want 1", text, n)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := e.Encode(ctx, texts); !errors.Is(err, context.Canceled) {
			t.Errorf("Encode(cancelled) error = %v; want context.Canceled", err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("Close() error = %v", err)
		}
	}
}
