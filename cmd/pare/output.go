package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pare-ml/pare/internal/atomicfs"
)

// Outputs are checked before any work (checkOutFolder, checkOutFile: an
// existing one is refused without --force) and written whole: built under
// a temporary name beside their place, renamed there when complete
// (buildFolder, buildFile). A replaced output is moved aside first and
// removed only once the new one is in place.

// checkOutFolder refuses an output folder that exists unless force, and
// one whose parent is a file.
func checkOutFolder(cmd, flagName, dir string, force bool) error {
	if dir == "" {
		return usagef("%s: %s DIR is required", cmd, flagName)
	}
	if _, err := os.Stat(dir); err == nil && !force {
		return usagef("%s: output folder %s exists (use --force to replace it)", cmd, dir)
	}
	return checkParent(cmd, flagName, dir)
}

// checkOutFile refuses an output file that exists unless force, a folder,
// and a place that cannot be written (a missing or read-only folder).
func checkOutFile(cmd, flagName, path string, force bool) error {
	if path == "" {
		return usagef("%s: %s FILE is required", cmd, flagName)
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return usagef("%s: %s %s is a folder", cmd, flagName, path)
		}
		if !force {
			return usagef("%s: output file %s exists (use --force to replace it)", cmd, path)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return usagef("%s: cannot write %s %s: %v", cmd, flagName, path, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// checkParent refuses an output whose parent exists and is not a folder
// (a missing parent is made when the output is written).
func checkParent(cmd, flagName, path string) error {
	parent := filepath.Dir(filepath.Clean(path))
	for p := parent; ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err == nil {
			if !st.IsDir() {
				return usagef("%s: cannot write %s %s: %s is not a folder", cmd, flagName, path, p)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(p) == p {
			return nil
		}
	}
}

// pathError words an error of os.Stat and the like as "PATH: what is
// wrong", without the name of the system call.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// unwrapPath drops the temporary name from a *fs.PathError.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// buildFolder makes dir whole or not at all: fill writes into a new
// temporary folder beside dir, which is renamed to dir when fill succeeds
// and removed when it fails. An existing dir is refused unless force.
func buildFolder(dir string, force bool, fill func(tmp string) error) error {
	if _, err := os.Stat(dir); err == nil && !force {
		return fmt.Errorf("output folder %s exists (use --force to replace it)", dir)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	made := firstMissing(parent) // removed again on failure
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err == nil {
		if err = fill(tmp); err == nil {
			if err = os.Chmod(tmp, 0o755); err == nil { // MkdirTemp makes 0700
				err = atomicfs.Replace(tmp, dir)
			}
		}
		if err != nil {
			os.RemoveAll(tmp)
		}
	}
	if err != nil && made != "" {
		os.RemoveAll(made)
	}
	return err
}

// firstMissing is the outermost folder of dir's path that does not exist,
// or "" when dir exists.
func firstMissing(dir string) string {
	missing := ""
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return missing
		}
		missing = p
		if filepath.Dir(p) == p {
			return missing
		}
	}
}

// writeFolder writes files (names relative to dir, with slashes) into a new
// folder dir with buildFolder.
func writeFolder(dir string, files map[string][]byte, force bool) error {
	return buildFolder(dir, force, func(tmp string) error {
		for name, data := range files {
			p := filepath.Join(tmp, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// buildFile makes path whole or not at all: fill writes the temporary file
// it is given (beside path), which is renamed to path when fill succeeds.
// An existing path is refused unless force.
func buildFile(path string, force bool, fill func(tmp string) error) error {
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("output file %s exists (use --force to replace it)", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := fill(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil { // CreateTemp makes 0600
		os.Remove(tmp)
		return err
	}
	if err := atomicfs.Replace(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
