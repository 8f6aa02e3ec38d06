package prune

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/tokenizer"
)

func TestSentences(t *testing.T) {
	got := sentences("Everyone has rights. No one shall be held in slavery! Short. 人人生而自由。在尊严和权利上一律平等。")
	want := []string{"Everyone has rights.", "No one shall be held in slavery!", "Short.", "人人生而自由。", "在尊严和权利上一律平等。"}
	if len(got) != len(want) {
		t.Fatalf("sentences = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestCorpusTasks(t *testing.T) {
	for _, lang := range corpus.Languages() {
		task, err := CorpusTask(lang, 0, 0)
		if err != nil {
			t.Errorf("%s: %v", lang, err)
			continue
		}
		if len(task.Items) < 10 {
			t.Errorf("%s: only %d items", lang, len(task.Items))
		}
		for _, it := range task.Items {
			seen := map[string]bool{}
			for _, c := range it.Choices {
				if seen[c] {
					t.Fatalf("%s: duplicate choice %q", lang, c)
				}
				seen[c] = true
			}
			if len(it.Choices) != 4 || it.Gold < 0 || it.Gold > 3 {
				t.Fatalf("%s: bad item %+v", lang, it)
			}
		}
		again, _ := CorpusTask(lang, 0, 0)
		if again.Items[0].Gold != task.Items[0].Gold || again.Items[0].Choices[1] != task.Items[0].Choices[1] {
			t.Fatalf("%s: task is not deterministic", lang)
		}
	}
}

func TestLoadTask(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mine.jsonl")
	os.WriteFile(good, []byte(`{"context":"The sky is","choices":[" blue"," loud"],"gold":0}`+"\n\n"), 0o644)
	task, err := LoadTask(good)
	if err != nil || task.Name != "mine" || len(task.Items) != 1 {
		t.Fatalf("LoadTask = %+v, %v", task, err)
	}
	for name, body := range map[string]string{
		"gold.jsonl":    `{"context":"a","choices":["b","c"],"gold":2}`,
		"one.jsonl":     `{"context":"a","choices":["b"],"gold":0}`,
		"json.jsonl":    `{"context":`,
		"unknown.jsonl": `{"context":"a","choices":["b","c"],"gold":0,"label":1}`,
		"empty.jsonl":   "\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := LoadTask(p); err == nil {
			t.Errorf("%s: LoadTask succeeded", name)
		}
	}
}

func TestScoreTaskAndStudy(t *testing.T) {
	tok, err := tokenizer.Load("../model/tiny/llm/tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	load := func() (*LLM, error) {
		return &LLM{Name: "random", Model: testLlamaVocab(t, tok.VocabSize()), Tokenizer: tok}, nil
	}
	task, err := CorpusTask("en", 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := load()
	r, err := ScoreTask(context.Background(), l.Model, tok, task)
	if err != nil || r.Items != 3 || r.Accuracy < 0 || r.Accuracy > 1 {
		t.Fatalf("ScoreTask = %+v, %v", r, err)
	}
	steps := 0
	res, err := Study(context.Background(), load, StudyOptions{
		Methods: []Method{MethodWanda, MethodMagnitude}, Pattern: Unstructured(0.5),
		Calib: []string{"en", "de"}, Eval: []string{"en", "de", "fr"}, NSamples: 4, SeqLen: 16, EvalLen: 32,
		Tasks: []Task{task}, Progress: func(int, int, string) { steps++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if steps != 5 || len(res.Methods) != 2 || len(res.Methods[0].PPL) != 2 || len(res.Methods[0].PPL[0]) != 3 ||
		res.Methods[0].Candidates != 2 || len(res.Methods[0].Accuracy) != 2 {
		t.Fatalf("study shape wrong: steps %d %+v", steps, res.Methods[0])
	}
	if md := res.Markdown(); len(md) < 100 {
		t.Fatalf("markdown too short: %q", md)
	}
}
