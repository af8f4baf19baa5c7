package records

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestExtrasRoundTrip(t *testing.T) {
	tests := [][]Extra{
		nil,
		{{Key: "Company", Value: "Acme"}},
		{{Key: "b", Value: "quote \" backslash \\ newline \n tab \t ctrl \x01"}, {Key: "a", Value: "héllo 数据 🚀"}, {Key: "Company Profile", Value: `{"Sector":"x"}`}},
	}
	for _, extras := range tests {
		s := EncodeExtras(extras)
		if extras != nil && !json.Valid([]byte(s)) {
			t.Errorf("EncodeExtras(%v) = %q: not valid JSON", extras, s)
		}
		got, err := DecodeExtras(s)
		if err != nil {
			t.Fatalf("DecodeExtras(%q): %v", s, err)
		}
		if !reflect.DeepEqual(got, extras) {
			t.Errorf("DecodeExtras(EncodeExtras(%v)) = %v; want the same, in order", extras, got)
		}
	}
}

func TestEncodeExtrasInvalidUTF8(t *testing.T) {
	s := EncodeExtras([]Extra{{Key: "k", Value: "bad \xff byte"}})
	got, err := DecodeExtras(s)
	if err != nil || got[0].Value != "bad \ufffd byte" {
		t.Errorf("DecodeExtras(%q) = %v, %v; want the bad byte replaced by U+FFFD", s, got, err)
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	long := "plain ascii text that is long enough for the eight-byte fast path, then a \"quote\" and \\ and \x1f"
	for _, s := range []string{"", "a", "12345678", "1234567\"", "abcdefgh\x7f", "naïve café 12345678", long, "x\u2028y"} {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("appendJSONString(%q) = %s; decodes to %q, %v; want the input back", s, got, back, err)
		}
	}
}
