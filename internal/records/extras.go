package records

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// AppendExtraJSON appends one "key":"value" member of a JSON object to dst, with a leading comma
// when dst already holds a member (dst starts with "{" ). Close the object with '}'.
func AppendExtraJSON(dst []byte, key, value string) []byte {
	if len(dst) == 0 {
		dst = append(dst, '{')
	} else if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = appendJSONString(dst, key)
	dst = append(dst, ':')
	return appendJSONString(dst, value)
}

// EncodeExtras returns extras as a JSON object, keys in the given order; "" when empty.
func EncodeExtras(extras []Extra) string {
	if len(extras) == 0 {
		return ""
	}
	var b []byte
	for _, e := range extras {
		b = AppendExtraJSON(b, e.Key, e.Value)
	}
	return string(append(b, '}'))
}

// DecodeExtras parses a JSON object written by EncodeExtras back into key/value pairs in order.
func DecodeExtras(s string) ([]Extra, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("decode extras: not a JSON object: %.40q", s)
	}
	var out []Extra
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("decode extras: %w", err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("decode extras: value of %v: %w", k, err)
		}
		out = append(out, Extra{Key: k.(string), Value: v})
	}
	return out, nil
}

// plain8 reports whether the 8 bytes in x need no escaping in a JSON string: each is ASCII,
// at least 0x20, and neither '"' nor '\\'.
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	bad := x&highs | (x-0x20*ones)&^x&highs | hasZero(x^('"'*ones)) | hasZero(x^('\\'*ones))
	return bad == 0
}

// load64 reads 8 bytes of s as a little-endian word (the compiler merges the loads).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal (invalid UTF-8 becomes U+FFFD).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip 8 plain ASCII bytes at a time: no control character, quote, backslash or
		// non-ASCII byte among them.
		for i+8 <= len(s) && plain8(load64(s[i:i+8])) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
