// Package atomicfs puts finished outputs in place so that a failure never
// leaves a half-written one, nor loses the output it was to replace.
package atomicfs

import "os"

// Replace renames tmp (a file or a folder, built beside dst) to dst. An
// existing dst is moved aside first and removed once tmp is in place, or
// moved back if the rename fails, so there is no moment on failure where
// neither exists.
func Replace(tmp, dst string) error {
	old := ""
	if _, err := os.Lstat(dst); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dst, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if old != "" {
			os.Rename(old, dst)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
