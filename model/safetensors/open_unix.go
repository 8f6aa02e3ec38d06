//go:build unix

package safetensors

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// open maps the file read-only. If the file system cannot map it, the
// file is read into memory instead.
func open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("safetensors %s: not a regular file", path)
	}
	size := st.Size()
	if size < 8 {
		return nil, fmt.Errorf("safetensors %s: file is %d bytes, too short for the 8-byte header length", path, size)
	}
	if uint64(size) > uint64(maxInt) {
		return nil, fmt.Errorf("safetensors %s: file of %d bytes is too large for this platform", path, size)
	}
	data, err := unix.Mmap(int(fd.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return readAll(path, fd, size)
	}
	f, err := Parse(path, data)
	if err != nil {
		unix.Munmap(data)
		return nil, err
	}
	f.release = func() error { return unix.Munmap(data) }
	return f, nil
}
