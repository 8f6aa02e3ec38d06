package corpus_test

import (
	"fmt"

	"github.com/pare-ml/pare/model/corpus"
)

func ExampleCalibration() {
	calib, err := corpus.Calibration("en")
	if err != nil {
		panic(err)
	}
	fmt.Println(len(calib), "passages; article", calib[1].Article)
	fmt.Println(calib[1].Text[:30])
	// Output:
	// 21 passages; article 1
	// All human beings are born free
}

func ExampleEval() {
	eval, err := corpus.Eval("zh")
	if err != nil {
		panic(err)
	}
	fmt.Println(eval[0].Lang, eval[0].Article, "..", eval[len(eval)-1].Article)
	// Output: zh 21 .. 30
}
