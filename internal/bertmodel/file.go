package bertmodel

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile builds the model of shape cfg and writes it to path atomically: to a temporary
// file in the same folder, synced, then renamed into place (and the folder synced), so that
// path holds the previous file or the whole new one. It returns the file's hex sha256.
func WriteFile(path string, cfg Config) (sha256Hex string, err error) {
	if err := cfg.Validate(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	data, err := NewWeights(cfg).ONNX()
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeAtomic(path, data); err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// writeAtomic writes data to path through a synced temporary file and a rename.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if err != nil && !renamed {
			_ = f.Close() // already closed on some paths; the first error is the one to report
			if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
				err = errors.Join(err, rmErr)
			}
		}
	}()
	n, err := f.Write(data)
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if n != len(data) {
		return fmt.Errorf("write %s: wrote %d of %d bytes", tmp, n, len(data))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", tmp, path, err)
	}
	renamed = true
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
