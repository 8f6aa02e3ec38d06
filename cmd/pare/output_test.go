package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestBuildFolderWholeOrNothing(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "a", "b", "out")
	fail := errors.New("disk on fire")

	// A failure leaves nothing, not even the parents it made.
	err := buildFolder(out, false, func(tmp string) error {
		os.WriteFile(filepath.Join(tmp, "half.json"), []byte("{"), 0o644)
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatalf("error %v, want %v", err, fail)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 0 {
		t.Fatalf("a failed build left %v", ents)
	}

	// A success gives the whole folder, readable by others.
	if err := writeFolder(out, map[string][]byte{"x.json": []byte("1"), "sub/y.svg": []byte("2")}, false); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(out, "sub", "y.svg")); err != nil || string(data) != "2" {
		t.Fatalf("sub/y.svg: %q, %v", data, err)
	}
	if st, _ := os.Stat(out); runtime.GOOS != "windows" && st.Mode().Perm() != 0o755 {
		t.Errorf("folder mode %v, want 0755", st.Mode().Perm())
	}

	// An existing folder is refused without force, and kept whole when
	// the replacement fails.
	if err := writeFolder(out, nil, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("existing folder without force: %v", err)
	}
	if err := buildFolder(out, true, func(string) error { return fail }); !errors.Is(err, fail) {
		t.Errorf("error %v, want %v", err, fail)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "x.json")); string(data) != "1" {
		t.Errorf("a failed replacement changed the folder: x.json is %q", data)
	}
	if err := writeFolder(out, map[string][]byte{"z.md": []byte("3")}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "x.json")); !os.IsNotExist(err) {
		t.Errorf("the replaced folder kept x.json: %v", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 1 {
		t.Errorf("left beside the output: %v", ents)
	}
}

func TestBuildFileWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "calib.json")
	fail := errors.New("no space")
	if err := buildFile(out, false, func(tmp string) error {
		os.WriteFile(tmp, []byte("[1,"), 0o644)
		return fail
	}); !errors.Is(err, fail) {
		t.Fatalf("error %v, want %v", err, fail)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a failed write left %v", ents)
	}
	write := func(force bool, s string) error {
		return buildFile(out, force, func(tmp string) error { return os.WriteFile(tmp, []byte(s), 0o600) })
	}
	if err := write(false, "old"); err != nil {
		t.Fatal(err)
	}
	if err := write(false, "new"); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("existing file without force: %v", err)
	}
	if err := write(true, "new"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(out); string(data) != "new" {
		t.Errorf("file is %q, want new", data)
	}
	if st, _ := os.Stat(out); runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left beside the output: %v", ents)
	}
}
