package tokenizer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// jsonlBatch is the number of lines encoded together (in parallel).
const jsonlBatch = 256

// TokenizeJSONL reads JSON Lines from r, each line one JSON string (or an
// object with a "text" string field), and writes to w one JSON array of
// token ids per line, in the same order. A trailing line break at the end
// of the input is optional; an empty line is an error. Errors name the line
// number (from 1).
func TokenizeJSONL(r io.Reader, w io.Writer, t *Tokenizer, addSpecial bool) error {
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriterSize(w, 1<<16)
	var texts []string
	var out []byte
	flush := func() error {
		for _, ids := range t.EncodeBatch(texts, addSpecial) {
			out = append(out[:0], '[')
			for i, id := range ids {
				if i > 0 {
					out = append(out, ',')
				}
				out = strconv.AppendInt(out, int64(id), 10)
			}
			out = append(out, ']', '\n')
			if _, err := bw.Write(out); err != nil {
				return fmt.Errorf("tokenizer: writing ids: %w", err)
			}
		}
		texts = texts[:0]
		return nil
	}
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("tokenizer: JSONL line %d: %w", line, err)
		}
		if len(raw) == 0 && err == io.EOF {
			break
		}
		text, perr := jsonlText(bytes.TrimRight(raw, "\r\n"))
		if perr != nil {
			return fmt.Errorf("tokenizer: JSONL line %d: %w", line, perr)
		}
		texts = append(texts, text)
		if len(texts) == jsonlBatch {
			if err := flush(); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tokenizer: writing ids: %w", err)
	}
	return nil
}

func jsonlText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", fmt.Errorf("empty line, want a JSON string")
	}
	var s string
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	if b[0] == '{' {
		var obj struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return "", err
		}
		if obj.Text == nil {
			return "", fmt.Errorf("object without a \"text\" string")
		}
		return *obj.Text, nil
	}
	return "", fmt.Errorf("want a JSON string, got %.20q", b)
}
