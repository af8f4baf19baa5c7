package onnxpb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers from onnx.proto.
const (
	// ModelProto.
	modelIRVersion       protowire.Number = 1
	modelProducerName    protowire.Number = 2
	modelProducerVersion protowire.Number = 3
	modelGraph           protowire.Number = 7
	modelOpsetImport     protowire.Number = 8
	modelMetadataProps   protowire.Number = 14

	// OperatorSetIdProto.
	opsetDomain  protowire.Number = 1
	opsetVersion protowire.Number = 2

	// StringStringEntryProto.
	entryKey   protowire.Number = 1
	entryValue protowire.Number = 2

	// GraphProto.
	graphNode        protowire.Number = 1
	graphName        protowire.Number = 2
	graphInitializer protowire.Number = 5
	graphInput       protowire.Number = 11
	graphOutput      protowire.Number = 12

	// NodeProto.
	nodeInput     protowire.Number = 1
	nodeOutput    protowire.Number = 2
	nodeName      protowire.Number = 3
	nodeOpType    protowire.Number = 4
	nodeAttribute protowire.Number = 5

	// AttributeProto.
	attrName   protowire.Number = 1
	attrF      protowire.Number = 2
	attrI      protowire.Number = 3
	attrS      protowire.Number = 4
	attrT      protowire.Number = 5
	attrFloats protowire.Number = 7
	attrInts   protowire.Number = 8
	attrType   protowire.Number = 20

	// TensorProto.
	tensorDims      protowire.Number = 1
	tensorDataType  protowire.Number = 2
	tensorFloatData protowire.Number = 4
	tensorInt64Data protowire.Number = 7
	tensorName      protowire.Number = 8
	tensorRawData   protowire.Number = 9

	// ValueInfoProto.
	valueInfoName protowire.Number = 1
	valueInfoType protowire.Number = 2

	// TypeProto and TypeProto.Tensor.
	typeTensorType  protowire.Number = 1
	tensorTypeElem  protowire.Number = 1
	tensorTypeShape protowire.Number = 2
	shapeDim        protowire.Number = 1
	dimValue        protowire.Number = 1
	dimParam        protowire.Number = 2
)

// Marshal validates m and encodes it as an ONNX model file.
func (m *Model) Marshal() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	// The graph holds nearly all the bytes; size the buffer for it up front.
	size := 1 << 10
	for i := range m.Graph.Initializers {
		size += int(rawSize(&m.Graph.Initializers[i])) + 64
	}
	b := make([]byte, 0, size)
	b = protowire.AppendTag(b, modelIRVersion, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(m.IRVersion))
	b = appendString(b, modelProducerName, m.ProducerName)
	b = appendString(b, modelProducerVersion, m.ProducerVersion)
	b = appendMessage(b, modelGraph, func(b []byte) []byte { return appendGraph(b, &m.Graph) })
	b = appendMessage(b, modelOpsetImport, func(b []byte) []byte {
		b = protowire.AppendTag(b, opsetDomain, protowire.BytesType)
		b = protowire.AppendString(b, "")
		b = protowire.AppendTag(b, opsetVersion, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(m.OpsetVersion))
	})
	for _, kv := range m.Metadata {
		b = appendMessage(b, modelMetadataProps, func(b []byte) []byte {
			b = protowire.AppendTag(b, entryKey, protowire.BytesType)
			b = protowire.AppendString(b, kv.Key)
			b = protowire.AppendTag(b, entryValue, protowire.BytesType)
			return protowire.AppendString(b, kv.Value)
		})
	}
	return b, nil
}

// rawSize returns the size of t's raw_data.
func rawSize(t *Tensor) int64 {
	if t.DataType == Int64 {
		return 8 * t.NumElements()
	}
	return 4 * t.NumElements()
}

// validate reports every problem that would make an invalid or unloadable file.
func (m *Model) validate() error {
	var errs []error
	if m.IRVersion <= 0 {
		errs = append(errs, fmt.Errorf("ir version %d; want > 0", m.IRVersion))
	}
	if m.OpsetVersion <= 0 {
		errs = append(errs, fmt.Errorf("opset version %d; want > 0", m.OpsetVersion))
	}
	g := &m.Graph
	for i := range g.Initializers {
		if err := validateTensor(&g.Initializers[i]); err != nil {
			errs = append(errs, fmt.Errorf("initializer %d: %w", i, err))
		}
		if g.Initializers[i].Name == "" {
			errs = append(errs, fmt.Errorf("initializer %d has no name", i))
		}
	}
	for i, n := range g.Nodes {
		if n.OpType == "" {
			errs = append(errs, fmt.Errorf("node %d (%q) has no op type", i, n.Name))
		}
		for _, a := range n.Attrs {
			if err := validateAttr(a); err != nil {
				errs = append(errs, fmt.Errorf("node %d (%s %q): %w", i, n.OpType, n.Name, err))
			}
		}
	}
	for _, vs := range [][]ValueInfo{g.Inputs, g.Outputs} {
		for _, v := range vs {
			if v.Name == "" {
				errs = append(errs, errors.New("graph input or output has no name"))
			}
			if v.ElemType != Float && v.ElemType != Int64 {
				errs = append(errs, fmt.Errorf("value %q has element type %d; want %d (float) or %d (int64)", v.Name, v.ElemType, Float, Int64))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid onnx model: %w", err)
	}
	return nil
}

func validateTensor(t *Tensor) error {
	for _, d := range t.Dims {
		if d < 0 {
			return fmt.Errorf("tensor %q has dims %v; want no negative dims", t.Name, t.Dims)
		}
	}
	var n int
	switch t.DataType {
	case Float:
		n = len(t.Float32)
		if len(t.Int64) > 0 {
			return fmt.Errorf("float tensor %q has int64 data", t.Name)
		}
	case Int64:
		n = len(t.Int64)
		if len(t.Float32) > 0 {
			return fmt.Errorf("int64 tensor %q has float data", t.Name)
		}
	default:
		return fmt.Errorf("tensor %q has data type %d; want %d (float) or %d (int64)", t.Name, t.DataType, Float, Int64)
	}
	if int64(n) != t.NumElements() {
		return fmt.Errorf("tensor %q has %d values; dims %v need %d", t.Name, n, t.Dims, t.NumElements())
	}
	return nil
}

func validateAttr(a Attr) error {
	if a.Name == "" {
		return errors.New("attribute has no name")
	}
	switch a.Type {
	case AttrFloat, AttrInt, AttrString, AttrFloats, AttrInts:
	case AttrTensor:
		if a.T == nil {
			return fmt.Errorf("tensor attribute %q has no tensor", a.Name)
		}
		return validateTensor(a.T)
	default:
		return fmt.Errorf("attribute %q has type %d; want one of float, int, string, tensor, floats, ints", a.Name, a.Type)
	}
	return nil
}

// appendMessage appends field num holding the message that enc writes. The message is
// encoded after a one-byte length placeholder and moved only when its length needs more.
func appendMessage(b []byte, num protowire.Number, enc func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	at := len(b)
	b = append(b, 0)
	b = enc(b)
	n := len(b) - at - 1
	w := protowire.SizeVarint(uint64(n))
	if w > 1 {
		b = append(b, make([]byte, w-1)...)
		copy(b[at+w:], b[at+1:at+1+n])
	}
	protowire.AppendVarint(b[at:at], uint64(n))
	return b
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendGraph(b []byte, g *Graph) []byte {
	for i := range g.Nodes {
		b = appendMessage(b, graphNode, func(b []byte) []byte { return appendNode(b, &g.Nodes[i]) })
	}
	b = appendString(b, graphName, g.Name)
	for i := range g.Initializers {
		b = appendMessage(b, graphInitializer, func(b []byte) []byte { return appendTensor(b, &g.Initializers[i]) })
	}
	for i := range g.Inputs {
		b = appendMessage(b, graphInput, func(b []byte) []byte { return appendValueInfo(b, &g.Inputs[i]) })
	}
	for i := range g.Outputs {
		b = appendMessage(b, graphOutput, func(b []byte) []byte { return appendValueInfo(b, &g.Outputs[i]) })
	}
	return b
}

func appendNode(b []byte, n *Node) []byte {
	for _, in := range n.Inputs {
		// An empty name marks an omitted optional input and must be kept.
		b = protowire.AppendTag(b, nodeInput, protowire.BytesType)
		b = protowire.AppendString(b, in)
	}
	for _, out := range n.Outputs {
		b = protowire.AppendTag(b, nodeOutput, protowire.BytesType)
		b = protowire.AppendString(b, out)
	}
	b = appendString(b, nodeName, n.Name)
	b = appendString(b, nodeOpType, n.OpType)
	for i := range n.Attrs {
		b = appendMessage(b, nodeAttribute, func(b []byte) []byte { return appendAttr(b, &n.Attrs[i]) })
	}
	return b
}

func appendAttr(b []byte, a *Attr) []byte {
	b = appendString(b, attrName, a.Name)
	switch a.Type {
	case AttrFloat:
		b = protowire.AppendTag(b, attrF, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = protowire.AppendTag(b, attrI, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(a.I))
	case AttrString:
		b = protowire.AppendTag(b, attrS, protowire.BytesType)
		b = protowire.AppendString(b, a.S)
	case AttrTensor:
		b = appendMessage(b, attrT, func(b []byte) []byte { return appendTensor(b, a.T) })
	case AttrFloats:
		// onnx.proto declares floats and ints without [packed = true]: one tag per element.
		for _, f := range a.Floats {
			b = protowire.AppendTag(b, attrFloats, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(f))
		}
	case AttrInts:
		for _, v := range a.Ints {
			b = protowire.AppendTag(b, attrInts, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(v))
		}
	}
	b = protowire.AppendTag(b, attrType, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(a.Type))
}

func appendTensor(b []byte, t *Tensor) []byte {
	for _, d := range t.Dims {
		b = protowire.AppendTag(b, tensorDims, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	b = protowire.AppendTag(b, tensorDataType, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(t.DataType))
	b = appendString(b, tensorName, t.Name)
	b = protowire.AppendTag(b, tensorRawData, protowire.BytesType)
	switch t.DataType {
	case Float:
		b = protowire.AppendVarint(b, uint64(4*len(t.Float32)))
		for _, f := range t.Float32 {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
	case Int64:
		b = protowire.AppendVarint(b, uint64(8*len(t.Int64)))
		for _, v := range t.Int64 {
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

func appendValueInfo(b []byte, v *ValueInfo) []byte {
	b = appendString(b, valueInfoName, v.Name)
	return appendMessage(b, valueInfoType, func(b []byte) []byte {
		return appendMessage(b, typeTensorType, func(b []byte) []byte {
			b = protowire.AppendTag(b, tensorTypeElem, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(v.ElemType))
			return appendMessage(b, tensorTypeShape, func(b []byte) []byte {
				for _, d := range v.Shape {
					b = appendMessage(b, shapeDim, func(b []byte) []byte {
						if d.Param != "" {
							b = protowire.AppendTag(b, dimParam, protowire.BytesType)
							return protowire.AppendString(b, d.Param)
						}
						b = protowire.AppendTag(b, dimValue, protowire.VarintType)
						return protowire.AppendVarint(b, uint64(d.Value))
					})
				}
				return b
			})
		})
	})
}
