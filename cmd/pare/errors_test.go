package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tiny"
	"github.com/pare-ml/pare/tmp/sampler"
)

// The tests below run this test binary as the pare command: with
// PARE_TEST_MAIN=1 it is main itself, so they see exit statuses, stdout,
// stderr and any panic as a person at a terminal would.
func TestMain(m *testing.M) {
	if os.Getenv("PARE_TEST_MAIN") == "1" {
		os.Exit(runMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// pareRun is the result of one run of the command.
type pareRun struct {
	code           int
	stdout, stderr string
}

// runPare runs pare with args in dir, with TMPDIR set to tmpDir.
func runPare(t *testing.T, dir, tmpDir, stdin string, args ...string) pareRun {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot run the test binary as pare: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PARE_TEST_MAIN=1", "TMPDIR="+tmpDir)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return pareRun{0, stdout.String(), stderr.String()}
	case errors.As(err, &ee) && ctx.Err() == nil:
		return pareRun{ee.ExitCode(), stdout.String(), stderr.String()}
	case ctx.Err() != nil:
		t.Fatalf("pare %q: no exit in 30s", args)
	default: // e.g. an arm64 binary without an emulator to start it
		t.Skipf("cannot run the test binary as pare: %v", err)
	}
	return pareRun{}
}

func skipWithoutExec(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes on " + runtime.GOOS)
	}
}

// cliFixtures writes the inputs the error cases name into root: good and
// broken model folders, a malformed PNG, an existing folder and file.
func cliFixtures(t *testing.T, root string) {
	t.Helper()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tokJSON, err := fs.ReadFile(tiny.LLMFS(), "tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}

	// LLM folders: a tiny Llama of the tiny tokenizer's 4096 ids.
	llm := func(dir string, vocab int, nan bool) {
		t.Helper()
		cfg, err := llama.ParseConfig([]byte(`{"architectures": ["LlamaForCausalLM"], "model_type": "llama",
			"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
			"num_key_value_heads": 2, "head_dim": 8, "max_position_embeddings": 64, "rms_norm_eps": 1e-5,
			"rope_theta": 10000, "tie_word_embeddings": true, "vocab_size": ` + strconv.Itoa(vocab) + `}`))
		if err != nil {
			t.Fatal(err)
		}
		m := llama.Random(cfg, 1)
		if nan {
			m.Embed[3] = float32(math.NaN())
		}
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := m.Save(filepath.Join(root, dir), llama.SaveF32, nil); err != nil {
			t.Fatal(err)
		}
		write(dir+"/tokenizer.json", tokJSON)
	}
	llm("llm-ok", 4096, false)
	llm("llm-nan", 4096, true)
	llm("llm-bigtok", 100, false) // the tokenizer has more ids than the model
	write("llm-badcfg/config.json", []byte("{not json"))
	write("llm-badcfg/model.safetensors", read("llm-ok/model.safetensors"))
	write("llm-badst/config.json", read("llm-ok/config.json"))
	write("llm-badst/model.safetensors", []byte("garbage"))
	write("llm-badst/tokenizer.json", tokJSON)
	st := read("llm-ok/model.safetensors")
	write("llm-trunc/config.json", read("llm-ok/config.json"))
	write("llm-trunc/model.safetensors", st[:len(st)/2])
	write("llm-trunc/tokenizer.json", tokJSON)
	write("llm-notok/config.json", read("llm-ok/config.json"))
	write("llm-notok/model.safetensors", st)
	write("llm-badtok/config.json", read("llm-ok/config.json"))
	write("llm-badtok/model.safetensors", st)
	write("llm-badtok/tokenizer.json", []byte(`{"model": 7}`))
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}

	// DiT folders: randomDiTDir's 8×8 RGB model with labels cat and dog.
	good := randomDiTDir(t)
	write("dit-ok/config.json", readAbs(t, filepath.Join(good, "config.json")))
	dst := readAbs(t, filepath.Join(good, "model.safetensors"))
	write("dit-ok/model.safetensors", dst)
	write("dit-badcfg/config.json", []byte(`{"input_size": "big"}`))
	write("dit-badcfg/model.safetensors", dst)
	write("dit-trunc/config.json", read("dit-ok/config.json"))
	write("dit-trunc/model.safetensors", dst[:len(dst)-100])
	m, err := sampler.RandomDiT(dit.Config{InputSize: 8, PatchSize: 2, InChannels: 3, HiddenSize: 32, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 2, Objective: "rectified_flow", TimestepScale: 1000}, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.Linears()[0].W[5] = float32(math.Inf(1))
	if err := os.MkdirAll(filepath.Join(root, "dit-nan"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sampler.SaveDiT(filepath.Join(root, "dit-nan"), m); err != nil {
		t.Fatal(err)
	}

	// Other inputs, and outputs that exist.
	write("bad.png", []byte("garbage"))
	var small, big bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 16, 16)))
	png.Encode(&big, image.NewGray(image.Rect(0, 0, 32, 32)))
	write("small.png", small.Bytes())
	write("big.png", big.Bytes())
	write("bad-task.jsonl", []byte("{\"context\": \"a\", \"choices\": [\"b\", \"c\"], \"gold\": 0}\nnot json\n"))
	write("bad-profile.json", []byte("{bad"))
	write("short.txt", []byte("hi\n"))
	write("bad-calib.jsonl", []byte("{\"x\": 1}\n"))
	write("exists/keep.txt", []byte("keep me"))
	write("exists.png", []byte("keep me too"))
	if err := os.Mkdir(filepath.Join(root, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func readAbs(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// snapshot lists every path under root with the size and time of files,
// to find what a command created, changed or removed.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[rel] = info.ModTime().String() + " " + strconv.Itoa(int(info.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffSnapshots(before, after map[string]string) []string {
	var d []string
	for p, v := range after {
		if w, ok := before[p]; !ok {
			d = append(d, "created "+p)
		} else if w != v {
			d = append(d, "changed "+p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			d = append(d, "removed "+p)
		}
	}
	sort.Strings(d)
	return d
}

// TestCLIErrors runs every command with bad input: each must exit with
// status 2 and one line on stderr that starts with "pare: " and says what
// is wrong, without a panic and without writing or changing any file.
func TestCLIErrors(t *testing.T) {
	skipWithoutExec(t)
	root := t.TempDir()
	cliFixtures(t, root)
	tmpDir := filepath.Join(root, "tmp")
	langs := "(available: " + strings.Join(corpus.Languages(), ", ") + ")"

	prune := func(extra ...string) []string {
		return append([]string{"prune", "--sparsity", "0.5", "--calib", "en", "--out", "out"}, extra...)
	}
	study := func(extra ...string) []string {
		return append([]string{"study", "--sparsity", "0.5", "--calib", "en", "--out", "out"}, extra...)
	}
	analyze := func(extra ...string) []string {
		return append([]string{"analyze", "--sparsity", "0.5", "--calib", "en", "--out", "out"}, extra...)
	}
	sample := func(extra ...string) []string {
		return append([]string{"sample", "--model", "dit-ok", "--label", "cat", "--steps", "2", "--out", "x.png"}, extra...)
	}
	profile := func(extra ...string) []string {
		return append([]string{"tmp", "profile", "--model", "dit-ok"}, extra...)
	}
	tmpRun := func(sub string, extra ...string) []string {
		return append([]string{"tmp", sub, "--model", "dit-ok", "--steps", "2", "--seeds", "1", "--labels", "cat"}, extra...)
	}
	search := func(extra ...string) []string {
		return tmpRun("search", append([]string{"--target-speedup", "2", "--out", "out"}, extra...)...)
	}

	cases := []struct {
		args  []string
		want  string // in the line on stderr
		stdin string
	}{
		{[]string{"bogus"}, `unknown command "bogus" (commands: analyze, bench,`, ""},
		{[]string{"help", "bogus"}, `unknown command "bogus"`, ""},
		{[]string{"info", "--bogus"}, "info: unknown flag --bogus (see pare info --help)", ""},
		{[]string{"info", "extra"}, `info: unexpected argument "extra"`, ""},

		{[]string{"bench"}, "bench: name what to measure", ""},
		{[]string{"bench", "nope"}, `unknown benchmark "nope"`, ""},
		{[]string{"bench", "--bogus"}, "bench: unknown flag --bogus", ""},
		{[]string{"bench", "gemm", "--sizes", "-1"}, `bench gemm: --sizes: "-1" is not an integer in 1..16384`, ""},
		{[]string{"bench", "gemm", "--sizes", "1000000"}, "is not an integer in 1..16384", ""},
		{[]string{"bench", "gemm", "--sizes", ","}, "bench gemm: --sizes is empty", ""},
		{[]string{"bench", "gemm", "--threads", "0"}, "bench gemm: --threads", ""},
		{[]string{"bench", "gemm", "--dtype", "f64"}, `bench gemm: unknown --dtype "f64" (have f32,`, ""},
		{[]string{"bench", "gemm", "--time", "-1s"}, "bench gemm: --time must be positive", ""},
		{[]string{"bench", "gemm", "--time", "soon"}, `invalid value "soon" for flag --time`, ""},
		{[]string{"bench", "gemm", "extra"}, `bench gemm: unexpected argument "extra"`, ""},
		{[]string{"bench", "llm", "--model", "nowhere"}, `bench llm: --model "nowhere" is neither tiny, llama-100m nor a folder`, ""},
		{[]string{"bench", "llm", "--model", "llm-badcfg"}, "bench llm: --model: llama config llm-badcfg/config.json", ""},
		{[]string{"bench", "llm", "--tokens", "0"}, "bench llm: --tokens", ""},
		{[]string{"bench", "llm", "--time", "0s"}, "bench llm: --time must be positive", ""},
		{[]string{"bench", "llm", "--save-random", "exists"}, "bench llm: output folder exists exists (use --force to replace it)", ""},
		{[]string{"bench", "llm", "--cpuprofile", "exists.png"}, "bench llm: output file exists.png exists (use --force", ""},
		{[]string{"bench", "llm", "--cpuprofile", "exists"}, "bench llm: --cpuprofile exists is a folder", ""},
		{[]string{"bench", "prune", "--sparsity", "1.5"}, "bench prune: --sparsity 1.5 is not in (0, 1)", ""},
		{[]string{"bench", "prune", "--sparsity", "NaN"}, "bench prune: --sparsity NaN", ""},
		{[]string{"bench", "prune", "--methods", "foo"}, `bench prune: --methods: unknown pruning method "foo"`, ""},
		{[]string{"bench", "prune", "--methods", ","}, "bench prune: --methods is empty", ""},
		{[]string{"bench", "prune", "--seqlen", "1"}, "bench prune: --seqlen must be at least 2", ""},
		{[]string{"bench", "prune", "--nsamples", "-1"}, "must not be negative", ""},
		{[]string{"bench", "prune", "--model", "llm-nan"}, "non-finite value", ""},
		{[]string{"bench", "prune", "--save-calib", "exists.png"}, "bench prune: output file exists.png exists", ""},
		{[]string{"bench", "prune", "--save-random", "exists"}, "bench prune: output folder exists exists", ""},
		{[]string{"bench", "dit", "--precision", "f64"}, `bench dit: --precision: unknown precision "f64" (have f32, bf16, f16, int8, int4)`, ""},
		{[]string{"bench", "dit", "--precision", ","}, "bench dit: --precision is empty", ""},
		{[]string{"bench", "dit", "--batch", "100000"}, `bench dit: --batch: "100000" is not an integer in 1..1024`, ""},
		{[]string{"bench", "dit", "--model", "nowhere"}, "neither tiny-dit, dit-s2 nor a folder", ""},
		{[]string{"bench", "dit", "--model", "dit-nan"}, "non-finite value", ""},
		{[]string{"bench", "dit", "--model", "dit-badcfg"}, "bench dit: --model: dit: dit-badcfg/config.json", ""},
		{[]string{"bench", "dit", "--save-random", "exists"}, "bench dit: output folder exists exists", ""},
		{[]string{"bench", "portable", "--time", "-1s"}, "bench portable: --time must be positive", ""},
		{[]string{"bench", "portable", "extra"}, "bench portable: unexpected argument", ""},
		{[]string{"bench", "wasm", "--time", "0s"}, "bench wasm: --time must be positive", ""},
		{[]string{"bench", "wasm", "extra"}, "bench wasm: unexpected argument", ""},

		{[]string{"tokenize"}, "tokenize: --tokenizer is required", ""},
		{[]string{"tokenize", "--tokenizer", "nowhere.json"}, "tokenize: --tokenizer: nowhere.json: no such file or directory", ""},
		{[]string{"tokenize", "--tokenizer", "exists"}, "tokenize: --tokenizer: exists is a folder", ""},
		{[]string{"tokenize", "--tokenizer", "bad.png"}, "tokenize: --tokenizer: tokenizer: bad.png: invalid JSON", ""},
		{[]string{"tokenize", "--tokenizer", "tiny", "extra"}, `tokenize: unexpected argument "extra"`, ""},
		{[]string{"tokenize", "--tokenizer", "tiny"}, "tokenize: stdin: tokenizer: JSONL line 1", "not json\n"},

		{[]string{"eval", "--langs", "xx"}, `eval: --langs: unknown language "xx" ` + langs, ""},
		{[]string{"eval", "--langs", "en,xx"}, `unknown language "xx" ` + langs, ""},
		{[]string{"eval", "--seqlen", "-5"}, "eval: --seqlen must be 0 (the default) or at least 2", ""},
		{[]string{"eval", "--model", "nowhere"}, "eval: --model: folder nowhere does not exist (use tiny for the embedded model)", ""},
		{[]string{"eval", "--model", "bad.png"}, "eval: --model: bad.png is not a folder", ""},
		{[]string{"eval", "--model", "empty"}, "eval: --model: folder empty has no config.json", ""},
		{[]string{"eval", "--model", "llm-badcfg"}, "eval: --model: llama config llm-badcfg/config.json", ""},
		{[]string{"eval", "--model", "llm-badst"}, "llm-badst/model.safetensors", ""},
		{[]string{"eval", "--model", "llm-trunc"}, "llm-trunc/model.safetensors", ""},
		{[]string{"eval", "--model", "llm-nan"}, `tensor "model.embed_tokens.weight" has a non-finite value at index 3`, ""},
		{[]string{"eval", "--model", "llm-notok"}, "llm-notok/tokenizer.json: no such file", ""},
		{[]string{"eval", "--model", "llm-badtok"}, "llm-badtok/tokenizer.json", ""},
		{[]string{"eval", "--model", "llm-bigtok"}, "tokenizer has 4096 ids, the model only 100", ""},
		{[]string{"eval", "extra"}, `eval: unexpected argument "extra"`, ""},

		{[]string{"generate"}, "generate: --prompt is required", ""},
		{[]string{"generate", "--prompt", "hi", "--max-tokens", "0"}, "generate: --max-tokens must be at least 1", ""},
		{[]string{"generate", "--prompt", "hi", "--max-tokens", "1000", "--model", "llm-ok"}, "generate: --max-tokens 1000: the prompt's", ""},
		{[]string{"generate", "--prompt", "hi", "--temperature", "-1"}, "generate: --temperature must be a number >= 0", ""},
		{[]string{"generate", "--prompt", "hi", "--temperature", "NaN"}, "generate: --temperature must be a number >= 0, have NaN", ""},
		{[]string{"generate", "--prompt", "hi", "--top-k", "-1"}, "generate: --top-k must be >= 0", ""},
		{[]string{"generate", "--prompt", "hi", "--model", "llm-nan"}, "non-finite value", ""},
		{[]string{"generate", "--prompt", "hi", "there"}, `generate: unexpected argument "there"`, ""},

		{[]string{"prune", "--out", "out"}, "prune: give --sparsity (e.g. 0.5) or --pattern (e.g. 2:4)", ""},
		{prune("--pattern", "2:4"), "prune: give --sparsity or --pattern, not both", ""},
		{prune("--sparsity", "1.5"), "prune: --sparsity: sparsity pattern \"1.5\": sparsity 1.5 outside [0, 1)", ""},
		{prune("--sparsity", "-0.1"), "outside [0, 1)", ""},
		{prune("--sparsity", "NaN"), "sparsity NaN outside [0, 1)", ""},
		{prune("--sparsity", "abc"), `sparsity pattern "abc": want a fraction`, ""},
		{[]string{"prune", "--pattern", "5:4", "--calib", "en", "--out", "out"}, "prune: --pattern: sparsity pattern \"5:4\": N:M pattern 5:4: N must be less than M", ""},
		{[]string{"prune", "--pattern", "2:0", "--calib", "en", "--out", "out"}, "M must be positive", ""},
		{prune("--method", "foo"), `prune: --method: unknown pruning method "foo" (have magnitude, wanda, sparsegpt)`, ""},
		{prune("--calib", "xx"), `prune: --calib: unknown language "xx" ` + langs, ""},
		{prune("--calib", "en:0"), `prune: --calib: calibration "en:0": "0" is not a positive sample count`, ""},
		{prune("--calib", "nowhere.txt"), "prune: --calib: nowhere.txt: no such file or directory", ""},
		{prune("--calib", "short.txt", "--model", "llm-ok"), "prune: --calib: calibration short.txt: 2 tokens, fewer than seqlen 64", ""},
		{prune("--calib", "bad-calib.jsonl", "--model", "llm-ok"), `prune: --calib: corpus bad-calib.jsonl: line 1: no "text" field`, ""},
		{prune("--eval", "xx"), `prune: --eval: unknown language "xx"`, ""},
		{prune("--dtype", "f16"), `prune: --dtype must be f32 or bf16, have "f16"`, ""},
		{[]string{"prune", "--sparsity", "0.5", "--calib", "en"}, "prune: --out DIR is required", ""},
		{prune("--out", "exists"), "prune: output folder exists exists (use --force to replace it)", ""},
		{prune("--out", "bad.png/out"), "prune: cannot write --out bad.png/out: bad.png is not a folder", ""},
		{prune("--model", "nowhere"), "prune: --model: folder nowhere does not exist", ""},
		{prune("--model", "llm-nan"), "non-finite value", ""},
		{prune("--model", "llm-badst"), "prune: --model:", ""},
		{prune("--seqlen", "-3"), "prune: --seqlen must be 0 (the default) or at least 2", ""},
		{prune("--nsamples", "0"), "prune: --nsamples must be at least 1", ""},
		{[]string{"prune", "--sparsity", "0.5", "--out", "out"}, "prune: wanda needs --calib", ""},
		{prune("extra"), `prune: unexpected argument "extra"`, ""},
		{prune("--nsamples", "many"), `invalid value "many" for flag --nsamples`, ""},

		{[]string{"study", "--sparsity", "0.5", "--calib", "en"}, "study: --out DIR is required", ""},
		{study("--out", "exists"), "study: output folder exists exists", ""},
		{[]string{"study", "--sparsity", "0.5", "--out", "out"}, "study: --calib is required", ""},
		{study("--calib", "xx"), `study: --calib: unknown language "xx" ` + langs, ""},
		{study("--eval", "xx"), `study: --eval: unknown language "xx"`, ""},
		{study("--methods", "foo"), `study: --methods: unknown pruning method "foo"`, ""},
		{study("--pattern", "5:4", "--sparsity", ""), "N must be less than M", ""},
		{study("--task", "nowhere.jsonl"), "study: --task: nowhere.jsonl: no such file or directory", ""},
		{study("--task", "bad-task.jsonl"), "study: --task: bad-task.jsonl:2", ""},
		{study("--task-items", "0"), "study: --task-items must be at least 1", ""},
		{study("--model", "llm-nan"), "non-finite value", ""},
		{study("extra", "--model", "nowhere"), `study: unexpected argument "extra"`, ""},

		{[]string{"analyze", "--sparsity", "0.5", "--calib", "en"}, "analyze: --out DIR is required", ""},
		{analyze("--out", "exists"), "analyze: output folder exists exists", ""},
		{analyze("--method", "foo"), `analyze: --method: unknown pruning method "foo"`, ""},
		{analyze("--calib", "xx"), `analyze: --calib: unknown language "xx" ` + langs, ""},
		{analyze("--eval", "xx"), `analyze: --eval: unknown language "xx"`, ""},
		{analyze("--tokens", "0"), "analyze: --tokens must be at least 2", ""},
		{analyze("--nsamples", "0"), "analyze: --nsamples must be at least 1", ""},
		{analyze("--model", "llm-badcfg"), "analyze: --model: llama config", ""},
		{analyze("extra", "--model", "nowhere"), `analyze: unexpected argument "extra"`, ""},

		{[]string{"sample", "--label", "cat"}, "sample: --out FILE.png is required", ""},
		{[]string{"sample", "--out", "x.png"}, "sample: --label is required", ""},
		{sample("--label", "cow"), `sample: --label: unknown label "cow" (have [cat dog]`, ""},
		{sample("--steps", "-1"), "sample: --steps must be positive, have -1", ""},
		{sample("--cfg", "NaN"), "sample: --cfg must be a number >= 0, have NaN", ""},
		{sample("--cfg", "-1"), "sample: --cfg must be a number >= 0", ""},
		{sample("--shift", "Inf"), "sample: --shift must be a number >= 0, have +Inf", ""},
		{sample("--grid", "0x3"), `sample: --grid "0x3" is not ROWSxCOLS`, ""},
		{sample("--precision", "f64"), `unknown precision "f64" (have f32, bf16, f16, int8, int4)`, ""},
		{sample("--precision", "f32:1,int8:2"), "counts add up to 3 steps, want 2", ""},
		{sample("--sampler", "heun"), `sample: unknown --sampler "heun" (have euler, ddim, ddpm)`, ""},
		{sample("--scale", "65"), "sample: --scale must be 1..64", ""},
		{sample("--scale", "64", "--grid", "1x40"), "sample: a 1x40 grid of 8-pixel images at --scale 64 is over 16384 pixels wide", ""},
		{sample("--out", "exists.png"), "sample: output file exists.png exists (use --force to replace it)", ""},
		{sample("--out", "exists"), "sample: --out exists is a folder", ""},
		{sample("--out", "nowhere/x.png"), "sample: cannot write --out nowhere/x.png", ""},
		{sample("--model", "nowhere"), `sample: --model "nowhere" is neither tiny-dit nor a folder`, ""},
		{sample("--model", "dit-nan"), "non-finite value", ""},
		{sample("--model", "dit-badcfg"), "sample: --model: dit: dit-badcfg/config.json", ""},
		{sample("--model", "dit-trunc"), "dit-trunc/model.safetensors", ""},
		{sample("--model", "empty"), "sample: --model: dit: empty: open config.json", ""},
		{sample("extra"), `sample: unexpected argument "extra"`, ""},

		{[]string{"metrics"}, "metrics: want ssim|psnr A.png B.png", ""},
		{[]string{"metrics", "ssim", "small.png"}, "metrics: want ssim|psnr A.png B.png", ""},
		{[]string{"metrics", "foo", "small.png", "big.png"}, `metrics: unknown metric "foo" (have ssim, psnr)`, ""},
		{[]string{"metrics", "ssim", "nowhere.png", "small.png"}, "metrics: nowhere.png: no such file or directory", ""},
		{[]string{"metrics", "psnr", "bad.png", "small.png"}, "metrics: bad.png: ", ""},
		{[]string{"metrics", "ssim", "small.png", "big.png"}, "metrics: small.png vs big.png", ""},

		{[]string{"tmp"}, "tmp: name a sub-command: profile, additivity or search", ""},
		{[]string{"tmp", "nope"}, `tmp: unknown sub-command "nope"`, ""},
		{[]string{"tmp", "--bogus"}, "tmp: unknown flag --bogus", ""},
		{profile("--batch", "0"), "tmp profile: --batch must be 1..65536", ""},
		{profile("--reps", "0"), "tmp profile: --reps must be 1..10000", ""},
		{profile("--precisions", "f64"), `tmp profile: --precisions: unknown precision "f64"`, ""},
		{profile("--precisions", "f32,f32"), "tmp profile: --precisions lists f32 twice", ""},
		{profile("--clock", "sundial"), `tmp profile: unknown --clock "sundial" (have wall, cpu)`, ""},
		{profile("--model", "nowhere"), `tmp profile: --model "nowhere" is neither tiny-dit nor a folder`, ""},
		{profile("--model", "dit-badcfg"), "tmp profile: --model: dit: dit-badcfg/config.json", ""},
		{profile("--out", "exists.png"), "tmp profile: output file exists.png exists (use --force", ""},
		{profile("--out", "exists"), "tmp profile: --out exists is a folder", ""},
		{tmpRun("additivity"), "tmp additivity: --out DIR is required", ""},
		{tmpRun("additivity", "--out", "exists"), "tmp additivity: output folder exists exists", ""},
		{tmpRun("additivity", "--out", "out", "--steps", "0"), "tmp additivity: --steps must be 1..", ""},
		{tmpRun("additivity", "--out", "out", "--seeds", "a"), `tmp additivity: --seeds: "a" is not a non-negative integer`, ""},
		{tmpRun("additivity", "--out", "out", "--labels", "cow"), `tmp additivity: --labels: unknown label "cow"`, ""},
		{tmpRun("additivity", "--out", "out", "--precisions", "f32"), "needs a precision below the reference", ""},
		{tmpRun("additivity", "--out", "out", "--cfg", "NaN"), "tmp additivity: --cfg must be a number >= 0", ""},
		{tmpRun("additivity", "--out", "out", "--sets", "-1"), "tmp additivity: --sets must be 0..", ""},
		{tmpRun("additivity", "--out", "out", "--model", "dit-nan"), "non-finite value", ""},
		{tmpRun("additivity", "--out", "out"), "tmp additivity: --model draws 8×8 images of 3 channels; SSIM needs at least 11×11", ""},
		{tmpRun("search"), "tmp search: give one of --target-speedup X and --min-ssim Q", ""},
		{search("--min-ssim", "0.9"), "tmp search: give one of", ""},
		{tmpRun("search", "--target-speedup", "-2"), "tmp search: --target-speedup must be a positive number", ""},
		{tmpRun("search", "--target-speedup", "NaN"), "tmp search: --target-speedup must be a positive number, have NaN", ""},
		{tmpRun("search", "--min-ssim", "2"), "tmp search: --min-ssim must be in (-1, 1]", ""},
		{search("--out", "exists"), "tmp search: output folder exists exists", ""},
		{search("--profile", "nowhere.json"), "tmp search: --profile: nowhere.json: no such file or directory", ""},
		{search("--profile", "bad-profile.json"), "tmp search: --profile: bad-profile.json", ""},
		{search("--vs", "f64"), `tmp search: --vs: unknown precision "f64"`, ""},
		{search("--spread", "2"), "tmp search: --spread must be in [0, 1]", ""},
		{search("--metric", "foo"), `tmp search: unknown --metric "foo"`, ""},
		{search("--model", "dit-trunc"), "dit-trunc/model.safetensors", ""},
		{search("extra"), `tmp search: unexpected argument "extra"`, ""},

		{[]string{"demo", "--out", "exists"}, "demo: output folder exists exists (use --force to replace it)", ""},
		{[]string{"demo", "--calib", "xx"}, `demo: --calib: unknown language "xx" ` + langs, ""},
		{[]string{"demo", "--calib", "en"}, "demo: --calib needs exactly two languages, have 1", ""},
		{[]string{"demo", "--target-speedup", "0.5"}, "demo: --target-speedup must be a number >= 1", ""},
		{[]string{"demo", "--target-speedup", "NaN"}, "demo: --target-speedup must be a number >= 1, have NaN", ""},
		{[]string{"demo", "--llm", "nowhere"}, "demo: --llm: folder nowhere does not exist", ""},
		{[]string{"demo", "--llm", "llm-badcfg"}, "demo: --llm: llama config", ""},
		{[]string{"demo", "extra"}, `demo: unexpected argument "extra"`, ""},

		{[]string{"serve", "--addr", "bogus"}, `serve: --addr "bogus": want HOST:PORT`, ""},
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, "the port must be a number 0..65535", ""},
		{[]string{"serve", "--wasm", "nowhere.wasm"}, "serve: --wasm: nowhere.wasm: no such file or directory", ""},
		{[]string{"serve", "--wasm", "exists"}, "serve: --wasm: exists is a folder", ""},
		{[]string{"serve", "extra"}, `serve: unexpected argument "extra"`, ""},
	}

	tested := map[string]bool{}
	before := snapshot(t, root)
	for _, c := range cases {
		tested[c.args[0]] = true
		start := time.Now()
		r := runPare(t, root, tmpDir, c.stdin, c.args...)
		name := strings.Join(c.args, " ")
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		switch {
		case r.code != 2:
			t.Errorf("pare %s: exit status %d, want 2; stderr:\n%s", name, r.code, r.stderr)
		case strings.Contains(r.stderr+r.stdout, "goroutine ") || strings.Contains(r.stderr+r.stdout, "panic"):
			t.Errorf("pare %s: a panic:\n%s", name, r.stderr)
		case len(lines) != 1 || !strings.HasSuffix(r.stderr, "\n"):
			t.Errorf("pare %s: %d lines on stderr, want 1:\n%s", name, len(lines), r.stderr)
		case !strings.HasPrefix(lines[0], "pare: "):
			t.Errorf("pare %s: stderr %q does not start with \"pare: \"", name, lines[0])
		case !strings.Contains(lines[0], c.want):
			t.Errorf("pare %s:\n got %s\nwant it to contain %q", name, lines[0], c.want)
		}
		if d := diffSnapshots(before, snapshot(t, root)); len(d) > 0 {
			t.Errorf("pare %s: left the files changed: %s", name, strings.Join(d, ", "))
			for _, c := range d { // keep the next cases apart
				if p, ok := strings.CutPrefix(c, "created "); ok {
					os.RemoveAll(filepath.Join(root, p))
				}
			}
			before = snapshot(t, root)
		}
		if testing.Verbose() {
			t.Logf("%6.3fs pare %s", time.Since(start).Seconds(), name)
		}
	}
	for _, n := range names() {
		if !tested[n] {
			t.Errorf("no error case for pare %s", n)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(root, "exists.png")); string(data) != "keep me too" {
		t.Errorf("exists.png was changed to %q", data)
	}
}

// TestCLIHelp checks that `pare CMD --help` of every command and
// sub-command prints its usage, description and every flag on stdout and
// exits 0, and that bare `pare` lists the commands and exits 2.
func TestCLIHelp(t *testing.T) {
	skipWithoutExec(t)
	dir := t.TempDir()

	r := runPare(t, dir, dir, "")
	if r.code != 2 || !strings.Contains(r.stdout, "commands:") || r.stderr != "" {
		t.Errorf("pare: exit status %d, stdout %q, stderr %q; want 2 and the command list", r.code, r.stdout, r.stderr)
	}
	for _, h := range []string{"help", "--help", "-h"} {
		r := runPare(t, dir, dir, "", h)
		if r.code != 0 || !strings.Contains(r.stdout, "commands:") {
			t.Errorf("pare %s: exit status %d, stdout %q", h, r.code, r.stdout)
		}
		for _, n := range names() {
			if !strings.Contains(r.stdout, "\n  "+n+" ") {
				t.Errorf("pare %s does not list %s", h, n)
			}
		}
	}

	// The sub-commands of bench and tmp, as their errors list them.
	subs := func(args []string, re string) [][]string {
		r := runPare(t, dir, dir, "", args...)
		m := regexp.MustCompile(re).FindStringSubmatch(r.stderr)
		if m == nil {
			t.Fatalf("pare %s: %q lists no sub-commands", strings.Join(args, " "), r.stderr)
		}
		var out [][]string
		for _, s := range strings.Split(m[1], ", ") {
			out = append(out, []string{args[0], s})
		}
		return out
	}
	var paths [][]string
	for _, n := range names() {
		paths = append(paths, []string{n})
	}
	paths = append(paths, subs([]string{"bench", "nope"}, `\(have: ([a-z, ]+)\)`)...)
	paths = append(paths, subs([]string{"tmp", "nope"}, `\(have ([a-z, ]+)\)`)...)
	if len(paths) != len(names())+6+3 {
		t.Errorf("%d commands and sub-commands, want %d + 6 bench + 3 tmp: %q", len(paths), len(names()), paths)
	}

	flagsOf := helpFlags(t, paths)
	for _, p := range paths {
		name := strings.Join(p, " ")
		for _, args := range [][]string{append(append([]string{}, p...), "--help"), append([]string{"help"}, p...)} {
			r := runPare(t, dir, dir, "", args...)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("pare %s: exit status %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
				continue
			}
			if !strings.HasPrefix(r.stdout, "usage: pare "+name) {
				t.Errorf("pare %s: help starts %q, want \"usage: pare %s\"", strings.Join(args, " "), firstLine(r.stdout), name)
			}
			if parts := strings.SplitN(r.stdout, "\n\n", 3); len(parts) < 2 || len(strings.TrimSpace(parts[1])) < 20 {
				t.Errorf("pare %s: no description under the usage line", strings.Join(args, " "))
			}
			for _, f := range flagsOf[name] {
				if !strings.Contains(r.stdout, "\n  --"+f.Name) {
					t.Errorf("pare %s: help does not list --%s", strings.Join(args, " "), f.Name)
				}
				if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" && !strings.Contains(r.stdout, "(default ") {
					t.Errorf("pare %s: help shows no defaults", strings.Join(args, " "))
				}
			}
		}
	}
	if len(flagsOf["prune"]) < 10 || len(flagsOf["tmp search"]) < 20 {
		t.Errorf("found %d flags of prune and %d of tmp search; the help test sees too few", len(flagsOf["prune"]), len(flagsOf["tmp search"]))
	}
}

// helpFlags runs each command's --help in this process (stdout to
// nowhere) and returns the flags its FlagSet defines, by command name.
func helpFlags(t *testing.T, paths [][]string) map[string][]*flag.Flag {
	t.Helper()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	stdout := os.Stdout
	os.Stdout = null
	for _, p := range paths {
		err := commands[p[0]].run(context.Background(), append(append([]string{}, p[1:]...), "--help"))
		if !errors.Is(err, errHelp) {
			os.Stdout = stdout
			t.Fatalf("%s --help: %v", strings.Join(p, " "), err)
		}
	}
	os.Stdout = stdout
	out := map[string][]*flag.Flag{}
	seen := map[string]bool{}
	for fs := range usages {
		fs.VisitAll(func(f *flag.Flag) {
			if k := fs.Name() + " --" + f.Name; !seen[k] {
				seen[k] = true
				out[fs.Name()] = append(out[fs.Name()], f)
			}
		})
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestCLIInterrupt stops a command in the middle of its work with SIGTERM:
// it must exit 130 saying so, and leave neither its output nor its
// temporary files.
func TestCLIInterrupt(t *testing.T) {
	skipWithoutExec(t)
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	root := t.TempDir()
	model := tmpDiTDir(t)
	tmpDir := filepath.Join(root, "tmp")
	if err := os.Mkdir(tmpDir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// Far more sampler runs than the test waits for.
	cmd := exec.Command(exe, "tmp", "additivity", "--model", model, "--steps", "200", "--sets", "1000",
		"--seeds", "1", "--labels", "0", "--out", "out")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PARE_TEST_MAIN=1", "TMPDIR="+tmpDir)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot run the test binary as pare: %v", err)
	}
	// The first line on stderr ("reference images: done ...") says the work
	// is under way, and the signal handler installed.
	stderr := bufio.NewReader(pipe)
	first := make(chan string, 1)
	go func() { line, _ := stderr.ReadString('\n'); first <- line }()
	select {
	case line := <-first:
		if !strings.HasPrefix(line, "reference images: done") {
			t.Fatalf("first line on stderr %q", line)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no progress in 20s")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() { rest, _ := io.ReadAll(stderr); cmd.Wait(); done <- string(rest) }()
	var rest string
	select {
	case rest = <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit 20s after SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || rest != "pare: interrupted\n" {
		t.Errorf("exit status %d, then on stderr %q; want 130 and pare: interrupted", code, rest)
	}
	if d := diffSnapshots(map[string]string{".": "dir", "tmp": "dir"}, snapshot(t, root)); len(d) > 0 {
		t.Errorf("an interrupted run left %v", d)
	}
}
