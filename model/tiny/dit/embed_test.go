package tinydit

import (
	"errors"
	"testing"
)

func TestLoad(t *testing.T) {
	m, err := Load()
	if !Available() {
		if !errors.Is(err, ErrMissing) {
			t.Errorf("without weights: error %v, want ErrMissing", err)
		}
		t.Skip("the tiny DiT's weights are not in model/tiny/dit yet (scripts/tiny_dit/train.py)")
	}
	if err != nil {
		t.Fatal(err)
	}
	c := m.Config
	if c.InputSize != 32 || c.InChannels != 1 || c.NumClasses != 10 || c.Objective != "rectified_flow" || len(c.ClassLabels) != 10 {
		t.Errorf("config %+v", c)
	}
	if l, err := c.Label("7"); err != nil || l != 7 {
		t.Errorf(`Label("7") = %d, %v`, l, err)
	}
}
