package demo

import (
	"bytes"
	"io"
	"io/fs"
	"sort"
	"time"
)

// Files is a model's files by name (config.json, model.safetensors, ...),
// as the page fetches them from the server. It is an fs.FS of one flat
// folder, so the loaders that read embedded or on-disk models read it too.
type Files map[string][]byte

// Open opens a file of the folder ("." is the folder itself).
func (f Files) Open(name string) (fs.File, error) {
	if name == "." {
		return &memDir{names: f.names()}, nil
	}
	data, ok := f[name]
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{info: memInfo{name: name, size: int64(len(data))}, r: bytes.NewReader(data)}, nil
}

// ReadFile returns the bytes of a file without copying them.
func (f Files) ReadFile(name string) ([]byte, error) {
	data, ok := f[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return data, nil
}

func (f Files) names() []string {
	ns := make([]string, 0, len(f))
	for n := range f {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// FilesFrom reads the named files of fsys into memory.
func FilesFrom(fsys fs.FS, names ...string) (Files, error) {
	out := Files{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out[n] = b
	}
	return out, nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	names []string
	next  int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return memInfo{name: ".", dir: true}, nil }
func (d *memDir) Read([]byte) (int, error)   { return 0, io.EOF }
func (d *memDir) Close() error               { return nil }

// ReadDir lists the files (so fs.Stat and fs.ReadDir work on Files).
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	for d.next < len(d.names) && (n <= 0 || len(out) < n) {
		out = append(out, fs.FileInfoToDirEntry(memInfo{name: d.names[d.next]}))
		d.next++
	}
	if n > 0 && len(out) == 0 {
		return nil, io.EOF
	}
	return out, nil
}
