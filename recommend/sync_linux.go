package recommend

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// syncFiles makes the staged files durable with one syncfs(2) per file system (the folders of
// a chunk's reports are one).
func syncFiles(files []stagedFile) error {
	done := map[string]bool{}
	for _, f := range files {
		dir := filepath.Dir(f.tmp)
		if done[dir] {
			continue
		}
		done[dir] = true
		d, err := os.Open(dir)
		if err != nil {
			return err
		}
		err = unix.Syncfs(int(d.Fd()))
		d.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
