package safetensors

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// readAll reads an open file of the given size into memory and parses it.
func readAll(path string, fd *os.File, size int64) (*File, error) {
	if size < 8 {
		return nil, fmt.Errorf("safetensors %s: file is %d bytes, too short for the 8-byte header length", path, size)
	}
	if uint64(size) > uint64(maxInt) {
		return nil, fmt.Errorf("safetensors %s: file of %d bytes is too large for this platform", path, size)
	}
	// Check the header length before allocating the whole file.
	var head [8]byte
	if _, err := fd.ReadAt(head[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	if err := checkHeaderLength(path, binary.LittleEndian.Uint64(head[:]), size); err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(fd, 0, size), data); err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	return Parse(path, data)
}
