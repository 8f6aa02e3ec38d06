package tokenizer

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// randomText returns a random string mixing ASCII, whitespace, letters of
// several scripts, digits, emoji, combining marks and (when invalid is set)
// bytes that are not valid UTF-8.
func randomText(r *rand.Rand, n int, invalid bool) string {
	pools := []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "0123456789", "     \t\n\r", ".,;:!?'\"-()[]{}/\\@#$%^&*_+=|~`",
		"äöüßéèêàçñøå", "你好世界中文分词器", "ひらがなカタカナ", "안녕하세요", "مرحبابالعالم", "नमस्ते", "Привет",
		"😀👍🏽❤️🇩🇪\u200d", "\u0301\u0308\u0323", "\u00a0\u3000\u2028\u0085\u2009", "٣٤١２３Ⅻ²", "ſK\u212b'sS",
	}
	var b []byte
	for len(b) < n {
		if invalid && r.IntN(8) == 0 {
			b = append(b, byte(0x80+r.IntN(0x80)))
			continue
		}
		p := []rune(pools[r.IntN(len(pools))])
		for k := r.IntN(4); k >= 0; k-- {
			b = utf8.AppendRune(b, p[r.IntN(len(p))])
		}
	}
	return string(b)
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"llama3", "gpt2", "llama2", "mistral", "gemma"} {
		tk := loadTestTokenizer(t, name)
		for i := 0; i < 400; i++ {
			s := randomText(r, r.IntN(60), i%2 == 1)
			if strings.Contains(s, "▁") {
				continue
			}
			if name == "mistral" && strings.HasPrefix(s, " ") {
				// The Metaspace decoder drops the first space, as in the Rust library.
				continue
			}
			ids := tk.Encode(s, false)
			if got := tk.DecodeBytes(ids, false); !bytes.Equal(got, []byte(s)) {
				t.Fatalf("%s: DecodeBytes(Encode(%q)) = %q", name, s, got)
			}
			if utf8.ValidString(s) {
				if got := tk.Decode(ids, false); got != s {
					t.Fatalf("%s: Decode(Encode(%q)) = %q", name, s, got)
				}
			}
			for _, id := range ids {
				if id < 0 || id >= tk.VocabSize() {
					t.Fatalf("%s: id %d out of range", name, id)
				}
			}
		}
	}
}

// TestQwen2NFC: the Qwen2 tokenizer normalizes to NFC first.
func TestQwen2NFC(t *testing.T) {
	tk := loadTestTokenizer(t, "qwen2")
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		s := randomText(r, r.IntN(40), false)
		ids := tk.Encode(s, false)
		if got, want := tk.Decode(ids, false), nfc(s); got != want {
			t.Fatalf("Decode(Encode(%q)) = %q, want NFC %q", s, got, want)
		}
	}
}

// TestScanCoverage checks that the pattern scanners split any input,
// including invalid UTF-8, into non-empty parts that cover it exactly.
func TestScanCoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for pat, scan := range knownPatterns {
		for i := 0; i < 2000; i++ {
			s := randomText(r, 1+r.IntN(50), true)
			var sb strings.Builder
			for _, sp := range scanMatches(nil, s, scan) {
				if sp.end <= sp.start && s != "" {
					t.Fatalf("%.20s: empty part in %q", pat, s)
				}
				if !sp.match {
					t.Fatalf("%.20s: unmatched part %q in %q", pat, s[sp.start:sp.end], s)
				}
				sb.WriteString(s[sp.start:sp.end])
			}
			if sb.String() != s {
				t.Fatalf("%.20s: parts of %q join to %q", pat, s, sb.String())
			}
		}
	}
}

// TestLookahead checks by hand-computed splits the alternatives that need
// look-ahead or backtracking: \s+(?!\S) and \s*[\r\n]+.
func TestLookahead(t *testing.T) {
	cases := []struct {
		scan scanFunc
		in   string
		want []string
	}{
		{scanLlama3, "a  b", []string{"a", " ", " b"}},
		{scanLlama3, "a   b", []string{"a", "  ", " b"}},
		{scanLlama3, "a \t b", []string{"a", " \t", " b"}},
		{scanLlama3, "a  ", []string{"a", "  "}},
		{scanLlama3, "a \n b", []string{"a", " \n", " b"}},
		{scanLlama3, "a\n\n  b", []string{"a", "\n\n", " ", " b"}},
		{scanLlama3, "a \n \n  1", []string{"a", " \n \n", " ", " ", "1"}},
		{scanLlama3, "x  !", []string{"x", " ", " !"}},
		{scanLlama3, "x \t!", []string{"x", " ", "\t", "!"}},
		{scanLlama3, "!!\n\nx", []string{"!!\n\n", "x"}},
		{scanLlama3, "1234567", []string{"123", "456", "7"}},
		{scanQwen2, "123", []string{"1", "2", "3"}},
		{scanLlama3, "I'M here", []string{"I", "'M", " here"}},
		{scanGPT2, "I'M here", []string{"I", "'", "M", " here"}},
		{scanGPT2, "a  b", []string{"a", " ", " b"}},
		{scanGPT2, "a \n b", []string{"a", " \n", " b"}},
		{scanGPT2, "a  ", []string{"a", "  "}},
		{scanGPT2, "a\n\nb", []string{"a", "\n", "\n", "b"}},
		{scanGPT2, " 123 x", []string{" 123", " x"}},
	}
	for _, c := range cases {
		var got []string
		for _, sp := range scanMatches(nil, c.in, c.scan) {
			got = append(got, c.in[sp.start:sp.end])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAPI(t *testing.T) {
	cases := []struct {
		name     string
		bos, eos string
	}{
		{"llama3", "<|begin_of_text|>", "<|end_of_text|>"},
		{"qwen2", "", "<|endoftext|>"},
		{"llama2", "<s>", "</s>"},
		{"gemma", "<bos>", "<eos>"},
		{"gpt2", "", "<|endoftext|>"},
	}
	for _, c := range cases {
		tk := loadTestTokenizer(t, c.name)
		id, ok := tk.BOS()
		if ok != (c.bos != "") || ok && tk.IDToToken(id) != c.bos {
			t.Errorf("%s: BOS() = %d %v (%q), want %q", c.name, id, ok, tk.IDToToken(id), c.bos)
		}
		id, ok = tk.EOS()
		if !ok || tk.IDToToken(id) != c.eos {
			t.Errorf("%s: EOS() = %d %v, want %q", c.name, id, ok, c.eos)
		}
		for id := 0; id < tk.VocabSize(); id++ {
			s := tk.IDToToken(id)
			if s == "" {
				t.Errorf("%s: id %d has no token", c.name, id)
				continue
			}
			if back, ok := tk.TokenToID(s); !ok || back != id {
				t.Errorf("%s: TokenToID(IDToToken(%d) = %q) = %d %v", c.name, id, s, back, ok)
			}
		}
		if tk.IDToToken(-1) != "" || tk.IDToToken(tk.VocabSize()) != "" {
			t.Errorf("%s: IDToToken out of range is not empty", c.name)
		}
	}
	tk := loadTestTokenizer(t, "llama3")
	if err := tk.SetEOS("<|eot_id|>"); err != nil {
		t.Fatal(err)
	}
	if id, _ := tk.EOS(); tk.IDToToken(id) != "<|eot_id|>" {
		t.Errorf("SetEOS did not take")
	}
	if err := tk.SetBOS("<nope>"); err == nil {
		t.Errorf("SetBOS of an unknown token: no error")
	}
	if !tk.IsSpecial(tk.bos) || tk.IsSpecial(0) {
		t.Errorf("IsSpecial wrong")
	}
}

func TestConcurrent(t *testing.T) {
	tk := loadTestTokenizer(t, "llama3")
	r := rand.New(rand.NewPCG(7, 8))
	texts := make([]string, 300)
	for i := range texts {
		texts[i] = randomText(r, 80, false)
	}
	want := make([][]int, len(texts))
	fresh := loadTestTokenizer(t, "llama3")
	for i, s := range texts {
		want[i] = fresh.Encode(s, true)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := tk.EncodeBatch(texts, true)
			for i := range got {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("EncodeBatch differs at %d", i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestTokenizeJSONL(t *testing.T) {
	tk := loadTestTokenizer(t, "llama3")
	in := "\"Hello world\"\n{\"text\": \"it's 2024\", \"id\": 3}\r\n\"\"\n\"x<|eot_id|>y\""
	var out bytes.Buffer
	if err := TokenizeJSONL(strings.NewReader(in), &out, tk, true); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, s := range []string{"Hello world", "it's 2024", "", "x<|eot_id|>y"} {
		ids := tk.Encode(s, true)
		want.WriteString("[")
		for i, id := range ids {
			if i > 0 {
				want.WriteString(",")
			}
			want.WriteString(itoa(id))
		}
		want.WriteString("]\n")
	}
	if out.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want.String())
	}
	// Many lines: order kept across batches.
	var big strings.Builder
	for i := 0; i < 1000; i++ {
		big.WriteString("\"line " + itoa(i) + "\"\n")
	}
	out.Reset()
	if err := TokenizeJSONL(strings.NewReader(big.String()), &out, tk, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1000 {
		t.Fatalf("%d lines out", len(lines))
	}
	for _, i := range []int{0, 255, 256, 999} {
		ids := tk.Encode("line "+itoa(i), false)
		if !strings.HasSuffix(lines[i], itoa(ids[len(ids)-1])+"]") {
			t.Errorf("line %d: %s", i, lines[i])
		}
	}
	for _, bad := range []struct{ in, line string }{
		{"\"a\"\n\n\"b\"\n", "line 2"},
		{"\"a\"\n42\n", "line 2"},
		{"\"a\"\n\"b\"\n\"c\n", "line 3"},
		{"{\"txt\": \"a\"}", "line 1"},
	} {
		err := TokenizeJSONL(strings.NewReader(bad.in), &out, tk, false)
		if err == nil || !strings.Contains(err.Error(), bad.line) {
			t.Errorf("TokenizeJSONL(%q) error %v, want one naming %s", bad.in, err, bad.line)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "llama3.tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) string {
		s := string(base)
		if !strings.Contains(s, old) {
			t.Fatalf("test setup: %q not in file", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	cases := []struct{ data, want string }{
		{"{", "invalid JSON"},
		{`{"model": null}`, "no \"model\""},
		{replace(`"type":"BPE"`, `"type":"WordPiece"`), `unsupported model type "WordPiece"`},
		{replace(`"normalizer":null`, `"normalizer":{"type":"Lowercase"}`), `unsupported normalizer "Lowercase"`},
		{replace(`"normalizer":null`, `"normalizer":{"type":"Replace","pattern":{"Regex":" +"},"content":" "}`), `unsupported normalizer Replace`},
		{replace(`"Regex":"(?i:`, `"Regex":"(?x:`), `unsupported pre_tokenizer Split regex`},
		{replace(`"behavior":"Isolated"`, `"behavior":"Sideways"`), `unsupported pre_tokenizer Split behavior "Sideways"`},
		{replace(`{"type":"ByteLevel","add_prefix_space":false`, `{"type":"Whitespace","add_prefix_space":false`), `unsupported pre_tokenizer "Whitespace"`},
		{replace(`"decoder":{"type":"ByteLevel"`, `"decoder":{"type":"WordPiece"`), `unsupported decoder "WordPiece"`},
		{replace(`{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false`, `{"type":"Bogus","add_prefix_space":true,"trim_offsets":false`), `unsupported post_processor "Bogus"`},
		{replace(`"dropout":null`, `"dropout":0.1`), "dropout"},
		{replace(`"unk_token":null`, `"unk_token":"<nope>"`), "unk_token \"<nope>\""},
		{replace(`"merges":[`, `"merges":[["Ġ","nope"],`), `token "nope" is not in the vocabulary`},
		{replace(`"merges":[`, `"merges":["a b c",`), `merge 0 "a b c" is not two tokens`},
		{replace(`"merges":[`, `"merges":[42,`), `merge 0 is neither`},
		{replace(`"vocab":{`, `"vocab":{"zz":99999999,`), "out of range"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.data))
		if err == nil {
			t.Errorf("no error, want %q", c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "tokenizer.json") {
			t.Errorf("error %q, want it to contain %q and the file name", err, c.want)
		}
	}
	if _, err := Load(filepath.Join("testdata", "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load of a missing file: %v", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "tok.json")
	os.WriteFile(p, []byte(replace(`"type":"BPE"`, `"type":"Unigram"`)), 0o644)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "Unigram") {
		t.Errorf("Load error %v does not name the file and the component", err)
	}
}

func TestLossyUTF8(t *testing.T) {
	cases := map[string]string{
		"abc":              "abc",
		"\xe2\x82":         "\uFFFD",
		"\xe2\x82A":        "\uFFFDA",
		"\xed\xa0\x80":     "\uFFFD\uFFFD\uFFFD",
		"\xf0\x90\x80":     "\uFFFD",
		"\xc0\xaf":         "\uFFFD\uFFFD",
		"\xff€":            "\uFFFD€",
		"\xf4\x90\x80\x80": "\uFFFD\uFFFD\uFFFD\uFFFD",
		"\xe0\x80\x80":     "\uFFFD\uFFFD\uFFFD",
	}
	for in, want := range cases {
		if got := lossyUTF8([]byte(in)); got != want {
			t.Errorf("lossyUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "Hello world", "it's 1234 ", "a\n\n  b", "\xff\xfe", "<|eot_id|><s>", "e\u0301 你好"} {
		f.Add(s)
	}
	tks := map[string]*Tokenizer{}
	for _, n := range []string{"llama3", "qwen2", "llama2", "mistral", "gpt2prefix", "llama3flags"} {
		tks[n] = loadTestTokenizer(f, n)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, tk := range tks {
			ids := tk.Encode(s, true)
			for _, id := range ids {
				if id < 0 || id >= tk.VocabSize() {
					t.Fatalf("%s: id %d out of range", name, id)
				}
			}
			_ = tk.Decode(ids, true)
		}
		ids := tks["llama3"].Encode(s, false)
		if !strings.Contains(s, "<|") {
			if got := tks["llama3"].DecodeBytes(ids, false); string(got) != s {
				t.Fatalf("llama3 round trip of %q gave %q", s, got)
			}
		}
		if utf8.ValidString(s) && !strings.Contains(s, "<|") {
			if got := tks["qwen2"].Decode(tks["qwen2"].Encode(s, false), false); got != nfc(s) {
				t.Fatalf("qwen2 round trip of %q gave %q", s, got)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"llama2", "mistral"} {
		data, err := os.ReadFile(filepath.Join("testdata", n+".tokenizer.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]},"added_tokens":[{"id":3,"content":"<x>","special":true}],"post_processor":{"type":"TemplateProcessing","single":"<x> $A","special_tokens":{"<x>":{"id":"<x>","ids":[3],"tokens":["<x>"]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tk, err := Parse(data)
		if err != nil {
			return
		}
		for _, s := range []string{"", "ab ab", "hello world <x>", "\xff"} {
			ids := tk.Encode(s, true)
			_ = tk.Decode(ids, false)
		}
		_ = tk.Decode([]int{-1, 0, 1, 2, 1 << 30}, true)
	})
}

func BenchmarkEncode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "gen.js"))
	if err != nil {
		b.Fatal(err)
	}
	i := bytes.Index(data, []byte("const CORPUS = `"))
	j := bytes.Index(data[i+16:], []byte("`;"))
	text := strings.Repeat(string(data[i+16:i+16+j]), 4)
	for _, name := range []string{"llama3", "qwen2", "llama2"} {
		tk := loadTestTokenizer(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.Encode(text, true)
			}
		})
	}
}
