//go:build !linux

package recommend

import "os"

// syncFiles makes the staged files durable, one fsync each (syncfs(2) is Linux's).
func syncFiles(files []stagedFile) error {
	for _, f := range files {
		h, err := os.OpenFile(f.tmp, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = h.Sync()
		h.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
