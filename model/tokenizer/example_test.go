package tokenizer_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/pare-ml/pare/model/tokenizer"
)

func Example() {
	tk, err := tokenizer.Load("testdata/llama3.tokenizer.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	ids := tk.Encode("Hello world, it's 2024!", true)
	fmt.Println(ids)
	toks := make([]string, len(ids))
	for i, id := range ids {
		toks[i] = fmt.Sprintf("%q", tk.IDToToken(id))
	}
	fmt.Println(strings.Join(toks, " "))
	fmt.Printf("%q\n", tk.Decode(ids, true))
	bos, _ := tk.BOS()
	fmt.Println(bos, tk.VocabSize())
	// Output:
	// [961 959 448 657 11 444 83 484 220 507 19 0]
	// "<|begin_of_text|>" "Hello" "Ġw" "orld" "," "Ġi" "t" "'s" "Ġ" "202" "4" "!"
	// "Hello world, it's 2024!"
	// 961 967
}

func ExampleTokenizeJSONL() {
	tk, err := tokenizer.Load("testdata/qwen2.tokenizer.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	in := strings.NewReader("\"Hello world\"\n\"<|im_start|>user\\n你好<|im_end|>\"\n")
	if err := tokenizer.TokenizeJSONL(in, os.Stdout, tk, true); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [39,295,75,78,446,644]
	// [957,374,268,198,160,859,717,958]
}
