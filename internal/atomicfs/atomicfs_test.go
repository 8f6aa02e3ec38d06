package atomicfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out")
	write := func(path, text string) {
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path, "f"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		b, err := os.ReadFile(filepath.Join(dst, "f"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write(filepath.Join(dir, "a"), "a")
	if err := Replace(filepath.Join(dir, "a"), dst); err != nil || read() != "a" {
		t.Fatalf("new output: %v", err)
	}
	write(filepath.Join(dir, "b"), "b")
	if err := Replace(filepath.Join(dir, "b"), dst); err != nil || read() != "b" {
		t.Fatalf("replaced output: %v", err)
	}
	if names, _ := os.ReadDir(dir); len(names) != 1 {
		t.Fatalf("left beside the output: %v", names)
	}
	// A failed rename (tmp does not exist) keeps the old output.
	if err := Replace(filepath.Join(dir, "missing"), dst); err == nil {
		t.Fatal("Replace of a missing folder succeeded")
	}
	if read() != "b" {
		t.Fatal("the old output was lost")
	}
}
