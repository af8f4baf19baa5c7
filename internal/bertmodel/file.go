package bertmodel

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/skillx/skillx/internal/atomicfile"
)

// WriteFile builds the model of shape cfg and writes it to path atomically: to a temporary
// file in the same folder, synced, then renamed into place (and the folder synced; the folder
// is created when missing), so that path holds the previous file or the whole new one. It returns the file's hex sha256.
func WriteFile(path string, cfg Config) (sha256Hex string, err error) {
	if err := cfg.Validate(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	data, err := NewWeights(cfg).ONNX()
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path, data); err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
