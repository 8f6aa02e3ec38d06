package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLanguages(t *testing.T) {
	got := Languages()
	if len(got) < 22 {
		t.Fatalf("Languages() = %d languages, want >= 22", len(got))
	}
	for _, want := range []string{"ar", "de", "en", "es", "fr", "hi", "ja", "ru", "sw", "zh"} {
		found := false
		for _, l := range got {
			found = found || l == want
		}
		if !found {
			t.Errorf("language %q missing from %v", want, got)
		}
	}
	got[0] = "mutated"
	if Languages()[0] == "mutated" {
		t.Error("Languages returns shared storage")
	}
}

func TestSplitsAreParallel(t *testing.T) {
	for _, lang := range Languages() {
		calib, err := Calibration(lang)
		if err != nil {
			t.Fatal(err)
		}
		eval, err := Eval(lang)
		if err != nil {
			t.Fatal(err)
		}
		if len(calib) != 21 || len(eval) != 10 {
			t.Fatalf("%s: %d calibration and %d eval passages, want 21 and 10", lang, len(calib), len(eval))
		}
		for i, p := range append(calib, eval...) {
			if p.Article != i || p.Lang != lang {
				t.Fatalf("%s: passage %d is %s article %d", lang, i, p.Lang, p.Article)
			}
			if p.Text == "" || !utf8.ValidString(p.Text) || strings.Contains(p.Text, "\n\n") {
				t.Fatalf("%s article %d: bad text %q", lang, p.Article, p.Text)
			}
		}
	}
}

func TestKnownText(t *testing.T) {
	calib, err := Calibration("en")
	if err != nil {
		t.Fatal(err)
	}
	if want := "All human beings are born free and equal in dignity and rights."; !strings.HasPrefix(calib[1].Text, want) {
		t.Errorf("en article 1 = %q, want prefix %q", calib[1].Text, want)
	}
	zh, err := Calibration("zh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(zh[1].Text, "人人生而自由") {
		t.Errorf("zh article 1 = %q, want Simplified Chinese", zh[1].Text)
	}
	calib[1].Text = "mutated"
	again, _ := Calibration("en")
	if again[1].Text == "mutated" {
		t.Error("Calibration returns shared storage")
	}
}

func TestUnknownLanguage(t *testing.T) {
	for _, f := range []func(string) ([]Passage, error){Calibration, Eval} {
		_, err := f("xx")
		var ule *UnknownLanguageError
		if !errors.As(err, &ule) || ule.Lang != "xx" {
			t.Fatalf("err = %v, want UnknownLanguageError", err)
		}
		if !strings.Contains(err.Error(), "en, es") {
			t.Errorf("error %q does not list the languages", err)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, data string
		want       []Passage
		err        string
	}{
		{"a.txt", "one\r\ntwo\n\n \t\n\nthree  \n", []Passage{{Article: 0, Text: "one\ntwo"}, {Article: 1, Text: "three"}}, ""},
		{"a.TXT", "\ufeffsolo", []Passage{{Text: "solo"}}, ""},
		{"a.txt", "\n \n", nil, "no text"},
		{"a.txt", "bad \xff", nil, "UTF-8"},
		{"b.jsonl", "{\"text\":\"x\"}\n\n{\"text\":\"y\",\"lang\":\"fr\",\"article\":7}\n{\"text\":\"\"}\n", []Passage{{Text: "x"}, {Lang: "fr", Article: 7, Text: "y"}}, ""},
		{"b.jsonl", "{\"txt\":\"x\"}", nil, "line 1: no \"text\""},
		{"b.jsonl", "{\"text\":\"x\"}\n{\"text\":3}", nil, "line 2"},
		{"b.jsonl", "{\"text\":\"\xff\"}", nil, "UTF-8"},
		{"b.jsonl", "[1]", nil, "line 1"},
		{"c.csv", "a", nil, "unknown extension"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.name, []byte(tt.data))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("Parse(%q, %q) err = %v, want one naming the file and containing %q", tt.name, tt.data, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q, %q) = %+v, %v; want %+v", tt.name, tt.data, got, err, tt.want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.txt")
	if err := os.WriteFile(p, []byte("Habari.\n\nDunia."), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadFile(p)
	if err != nil || len(got) != 2 || got[1].Text != "Dunia." {
		t.Fatalf("LoadFile = %+v, %v", got, err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("LoadFile of a missing file: no error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("x.txt", []byte("a\n\nb"))
	f.Add("x.jsonl", []byte("{\"text\":\"a\",\"article\":1}\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ps, err := Parse(name, data)
		if err != nil {
			return
		}
		if len(ps) == 0 {
			t.Fatal("no passages and no error")
		}
		for _, p := range ps {
			if p.Text == "" || !utf8.ValidString(p.Text) {
				t.Fatalf("bad passage %+v", p)
			}
		}
	})
}
