package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The golden files are written by testdata/gen.js with the Rust
// `tokenizers` library (through its Node binding).

var goldenNames = []string{
	"llama3", "llama3flags", "qwen2", "gpt2", "gpt2prefix",
	"llama2", "llama2flags", "mistral", "metaspace", "gemma", "unk", "unkfuse", "affix",
}

type goldenFile struct {
	Encode []struct {
		Text     string `json:"text"`
		IDs      []int  `json:"ids"`
		IDsPlain []int  `json:"ids_plain"`
		Dec      string `json:"dec"`
		DecSkip  string `json:"dec_skip"`
	} `json:"encode"`
	Decode []struct {
		IDs     []int  `json:"ids"`
		Dec     string `json:"dec"`
		DecSkip string `json:"dec_skip"`
	} `json:"decode"`
}

func loadGolden(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func loadTestTokenizer(t testing.TB, name string) *Tokenizer {
	t.Helper()
	tk, err := Load(filepath.Join("testdata", name+".tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestGolden(t *testing.T) {
	for _, name := range goldenNames {
		t.Run(name, func(t *testing.T) {
			tk := loadTestTokenizer(t, name)
			var g goldenFile
			loadGolden(t, name+".golden.json", &g)
			bad := 0
			report := func(format string, args ...any) {
				bad++
				if bad <= 8 {
					t.Errorf(format, args...)
				}
			}
			for _, e := range g.Encode {
				if got := tk.Encode(e.Text, true); !slices.Equal(got, e.IDs) {
					report("Encode(%q, true)\n got %v %q\nwant %v %q", e.Text, got, toks(tk, got), e.IDs, toks(tk, e.IDs))
				}
				if got := tk.Encode(e.Text, false); !slices.Equal(got, e.IDsPlain) {
					report("Encode(%q, false)\n got %v\nwant %v", e.Text, got, e.IDsPlain)
				}
				if got := tk.Decode(e.IDs, false); got != e.Dec {
					report("Decode(%v, false) = %q, want %q", e.IDs, got, e.Dec)
				}
				if got := tk.Decode(e.IDs, true); got != e.DecSkip {
					report("Decode(%v, true) = %q, want %q", e.IDs, got, e.DecSkip)
				}
			}
			for _, d := range g.Decode {
				if got := tk.Decode(d.IDs, false); got != d.Dec {
					report("Decode(%v %q, false) = %q, want %q", d.IDs, toks(tk, d.IDs), got, d.Dec)
				}
				if got := tk.Decode(d.IDs, true); got != d.DecSkip {
					report("Decode(%v, true) = %q, want %q", d.IDs, got, d.DecSkip)
				}
			}
			if bad > 0 {
				t.Errorf("%d mismatches out of %d encodings and %d decodings", bad, len(g.Encode), len(g.Decode))
			}
		})
	}
}

func toks(tk *Tokenizer, ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = tk.IDToToken(id)
	}
	return out
}

// pretokConfigs must match recordPretok in testdata/gen.js.
var pretokConfigs = map[string]string{
	"llama3":    `{"type":"Split","pattern":{"Regex":` + jsonQuote(patLlama3) + `},"behavior":"Isolated","invert":false}`,
	"qwen2":     `{"type":"Split","pattern":{"Regex":` + jsonQuote(patQwen2) + `},"behavior":"Isolated","invert":false}`,
	"gpt2":      `{"type":"Split","pattern":{"Regex":` + jsonQuote(patGPT2) + `},"behavior":"Isolated","invert":false}`,
	"removed":   `{"type":"Split","pattern":{"String":"ab"},"behavior":"Removed","invert":false}`,
	"prev":      `{"type":"Split","pattern":{"String":" "},"behavior":"MergedWithPrevious","invert":false}`,
	"next":      `{"type":"Split","pattern":{"String":" "},"behavior":"MergedWithNext","invert":false}`,
	"contig":    `{"type":"Split","pattern":{"String":"a"},"behavior":"Contiguous","invert":false}`,
	"invert":    `{"type":"Split","pattern":{"String":"a"},"behavior":"Removed","invert":true}`,
	"digits":    `{"type":"Digits","individual_digits":false}`,
	"digits1":   `{"type":"Digits","individual_digits":true}`,
	"bytelevel": `{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}`,
	"meta":      `{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}`,
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func preTokenizeAll(pt preTokenizer, s string) []string {
	if s == "" {
		return []string{}
	}
	out := []string{}
	for _, p := range pt.preTokenize(nil, piece{s, true}) {
		out = append(out, p.s)
	}
	return out
}

func TestPreTokenizeGolden(t *testing.T) {
	var g struct {
		Strings []string              `json:"strings"`
		Splits  map[string][][]string `json:"splits"`
	}
	loadGolden(t, "pretok.golden.json", &g)
	for name, cfg := range pretokConfigs {
		pt, err := parsePreTokenizer("test", json.RawMessage(cfg))
		if err != nil {
			t.Fatal(err)
		}
		want := g.Splits[name]
		if len(want) != len(g.Strings) {
			t.Fatalf("%s: golden has %d splits for %d strings", name, len(want), len(g.Strings))
		}
		bad := 0
		for i, s := range g.Strings {
			got := preTokenizeAll(pt, s)
			if !slices.Equal(got, want[i]) {
				bad++
				if bad <= 5 {
					t.Errorf("%s: %q\n got %q\nwant %q", name, s, got, want[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d mismatches", name, bad, len(g.Strings))
		}
	}
}

func TestNFCGolden(t *testing.T) {
	var g [][2]string
	loadGolden(t, "nfc.golden.json", &g)
	bad := 0
	for _, p := range g {
		if got := nfc(p[0]); got != p[1] {
			bad++
			if bad <= 10 {
				t.Errorf("nfc(%+q) = %+q, want %+q", p[0], got, p[1])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d mismatches", bad, len(g))
	}
}

var _ = fmt.Sprint
