package onnxpb

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field: v holds varint and fixed-width values, b the bytes of
// length-delimited ones.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// eachField calls fn for every field of the message b, in order.
func eachField(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

func (f field) want(typ protowire.Type) error {
	if f.typ != typ {
		return fmt.Errorf("field %d has wire type %d; want %d", f.num, f.typ, typ)
	}
	return nil
}

func (f field) bytes() ([]byte, error) { return f.b, f.want(protowire.BytesType) }

func (f field) str() (string, error) { return string(f.b), f.want(protowire.BytesType) }

func (f field) int64() (int64, error) { return int64(f.v), f.want(protowire.VarintType) }

// appendInt64s decodes a repeated int64 field, packed or not.
func (f field) appendInt64s(dst []int64) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, int64(f.v)), nil
	case protowire.BytesType:
		for b := f.b; len(b) > 0; {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, fmt.Errorf("field %d: %w", f.num, protowire.ParseError(n))
			}
			dst = append(dst, int64(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d has wire type %d; want a varint or packed varints", f.num, f.typ)
}

// appendFloats decodes a repeated float field, packed or not.
func (f field) appendFloats(dst []float32) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, math.Float32frombits(uint32(f.v))), nil
	case protowire.BytesType:
		if len(f.b)%4 != 0 {
			return nil, fmt.Errorf("field %d: packed floats of %d bytes", f.num, len(f.b))
		}
		for i := 0; i < len(f.b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(f.b[i:])))
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d has wire type %d; want fixed32 or packed fixed32", f.num, f.typ)
}

// Unmarshal decodes an ONNX model file into a Model, keeping the fields that Model has and
// skipping the rest. Tensors of other types than Float and Int64 keep their DataType and no
// data.
func Unmarshal(data []byte) (*Model, error) {
	m := &Model{}
	err := eachField(data, func(f field) (err error) {
		switch f.num {
		case modelIRVersion:
			m.IRVersion, err = f.int64()
		case modelProducerName:
			m.ProducerName, err = f.str()
		case modelProducerVersion:
			m.ProducerVersion, err = f.str()
		case modelOpsetImport:
			var domain string
			var version int64
			if err := decodeOpset(f, &domain, &version); err != nil {
				return err
			}
			if domain == "" || domain == "ai.onnx" {
				m.OpsetVersion = version
			}
		case modelGraph:
			var b []byte
			if b, err = f.bytes(); err == nil {
				err = decodeGraph(b, &m.Graph, true)
			}
		case modelMetadataProps:
			var kv KV
			if kv, err = decodeKV(f); err == nil {
				m.Metadata = append(m.Metadata, kv)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("decode onnx model: %w", err)
	}
	return m, nil
}

// ReadMetadata returns the model's metadata_props in file order, without decoding its graph.
func ReadMetadata(data []byte) ([]KV, error) {
	var kvs []KV
	err := eachField(data, func(f field) error {
		if f.num != modelMetadataProps {
			return nil
		}
		kv, err := decodeKV(f)
		kvs = append(kvs, kv)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read onnx metadata: %w", err)
	}
	return kvs, nil
}

// ReadSignature returns the graph's inputs (without those that name an initializer, as
// files of IR version < 4 list them) and outputs. Tensor data is skipped, not decoded. A
// value whose shape is absent or of rank 0 has a nil Shape; one that is not a tensor has
// ElemType 0.
func ReadSignature(data []byte) (inputs, outputs []ValueInfo, err error) {
	var g Graph
	err = eachField(data, func(f field) error {
		if f.num != modelGraph {
			return nil
		}
		b, err := f.bytes()
		if err != nil {
			return err
		}
		return decodeGraph(b, &g, false)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read onnx signature: %w", err)
	}
	init := make(map[string]bool, len(g.Initializers))
	for _, t := range g.Initializers {
		init[t.Name] = true
	}
	for _, v := range g.Inputs {
		if !init[v.Name] {
			inputs = append(inputs, v)
		}
	}
	return inputs, g.Outputs, nil
}

func decodeOpset(f field, domain *string, version *int64) error {
	b, err := f.bytes()
	if err != nil {
		return err
	}
	return eachField(b, func(f field) (err error) {
		switch f.num {
		case opsetDomain:
			*domain, err = f.str()
		case opsetVersion:
			*version, err = f.int64()
		}
		return err
	})
}

func decodeKV(f field) (KV, error) {
	var kv KV
	b, err := f.bytes()
	if err != nil {
		return kv, err
	}
	err = eachField(b, func(f field) (err error) {
		switch f.num {
		case entryKey:
			kv.Key, err = f.str()
		case entryValue:
			kv.Value, err = f.str()
		}
		return err
	})
	return kv, err
}

// decodeGraph decodes a GraphProto into g; without full it keeps only the initializers' names
// and skips the nodes.
func decodeGraph(b []byte, g *Graph, full bool) error {
	return eachField(b, func(f field) error {
		switch f.num {
		case graphName:
			s, err := f.str()
			g.Name = s
			return err
		case graphNode:
			if !full {
				return nil
			}
			b, err := f.bytes()
			if err != nil {
				return err
			}
			var n Node
			if err := decodeNode(b, &n); err != nil {
				return fmt.Errorf("node %d: %w", len(g.Nodes), err)
			}
			g.Nodes = append(g.Nodes, n)
		case graphInitializer:
			b, err := f.bytes()
			if err != nil {
				return err
			}
			var t Tensor
			if err := decodeTensor(b, &t, full); err != nil {
				return fmt.Errorf("initializer %d: %w", len(g.Initializers), err)
			}
			g.Initializers = append(g.Initializers, t)
		case graphInput, graphOutput:
			b, err := f.bytes()
			if err != nil {
				return err
			}
			var v ValueInfo
			if err := decodeValueInfo(b, &v); err != nil {
				return fmt.Errorf("value info: %w", err)
			}
			if f.num == graphInput {
				g.Inputs = append(g.Inputs, v)
			} else {
				g.Outputs = append(g.Outputs, v)
			}
		}
		return nil
	})
}

func decodeNode(b []byte, n *Node) error {
	return eachField(b, func(f field) error {
		var err error
		var s string
		switch f.num {
		case nodeInput:
			s, err = f.str()
			n.Inputs = append(n.Inputs, s)
		case nodeOutput:
			s, err = f.str()
			n.Outputs = append(n.Outputs, s)
		case nodeName:
			n.Name, err = f.str()
		case nodeOpType:
			n.OpType, err = f.str()
		case nodeAttribute:
			var b []byte
			if b, err = f.bytes(); err != nil {
				return err
			}
			var a Attr
			if err := decodeAttr(b, &a); err != nil {
				return fmt.Errorf("attribute %d: %w", len(n.Attrs), err)
			}
			n.Attrs = append(n.Attrs, a)
		}
		return err
	})
}

func decodeAttr(b []byte, a *Attr) error {
	return eachField(b, func(f field) (err error) {
		switch f.num {
		case attrName:
			a.Name, err = f.str()
		case attrType:
			var v int64
			v, err = f.int64()
			a.Type = AttrType(v)
		case attrF:
			if err = f.want(protowire.Fixed32Type); err == nil {
				a.F = math.Float32frombits(uint32(f.v))
			}
		case attrI:
			a.I, err = f.int64()
		case attrS:
			a.S, err = f.str()
		case attrT:
			var b []byte
			if b, err = f.bytes(); err == nil {
				a.T = &Tensor{}
				err = decodeTensor(b, a.T, true)
			}
		case attrFloats:
			a.Floats, err = f.appendFloats(a.Floats)
		case attrInts:
			a.Ints, err = f.appendInt64s(a.Ints)
		}
		return err
	})
}

// decodeTensor decodes a TensorProto; without data it keeps the name, dims and type only.
func decodeTensor(b []byte, t *Tensor, data bool) error {
	var raw []byte
	err := eachField(b, func(f field) (err error) {
		switch f.num {
		case tensorDims:
			t.Dims, err = f.appendInt64s(t.Dims)
		case tensorDataType:
			var v int64
			v, err = f.int64()
			t.DataType = int32(v)
		case tensorName:
			t.Name, err = f.str()
		case tensorRawData:
			raw, err = f.bytes()
		case tensorFloatData:
			if data {
				t.Float32, err = f.appendFloats(t.Float32)
			}
		case tensorInt64Data:
			if data {
				t.Int64, err = f.appendInt64s(t.Int64)
			}
		}
		return err
	})
	if err != nil || !data || len(raw) == 0 {
		return err
	}
	switch t.DataType {
	case Float:
		if len(raw)%4 != 0 {
			return fmt.Errorf("tensor %q: raw_data of %d bytes for float32", t.Name, len(raw))
		}
		t.Float32 = make([]float32, len(raw)/4)
		for i := range t.Float32 {
			t.Float32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case Int64:
		if len(raw)%8 != 0 {
			return fmt.Errorf("tensor %q: raw_data of %d bytes for int64", t.Name, len(raw))
		}
		t.Int64 = make([]int64, len(raw)/8)
		for i := range t.Int64 {
			t.Int64[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	}
	return nil
}

func decodeValueInfo(b []byte, v *ValueInfo) error {
	return eachField(b, func(f field) error {
		switch f.num {
		case valueInfoName:
			s, err := f.str()
			v.Name = s
			return err
		case valueInfoType:
			tb, err := f.bytes()
			if err != nil {
				return err
			}
			return eachField(tb, func(f field) error {
				if f.num != typeTensorType {
					return nil // sequences, maps and the like: no element type or shape
				}
				b, err := f.bytes()
				if err != nil {
					return err
				}
				return decodeTensorType(b, v)
			})
		}
		return nil
	})
}

func decodeTensorType(b []byte, v *ValueInfo) error {
	return eachField(b, func(f field) error {
		switch f.num {
		case tensorTypeElem:
			e, err := f.int64()
			v.ElemType = int32(e)
			return err
		case tensorTypeShape:
			sb, err := f.bytes()
			if err != nil {
				return err
			}
			return eachField(sb, func(f field) error {
				if f.num != shapeDim {
					return nil
				}
				db, err := f.bytes()
				if err != nil {
					return err
				}
				var d Dim
				err = eachField(db, func(f field) (err error) {
					switch f.num {
					case dimValue:
						d.Value, err = f.int64()
					case dimParam:
						d.Param, err = f.str()
					}
					return err
				})
				v.Shape = append(v.Shape, d)
				return err
			})
		}
		return nil
	})
}
