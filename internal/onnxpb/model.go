package onnxpb

// Tensor element types (TensorProto.DataType in onnx.proto).
const (
	// Float is TensorProto.FLOAT: float32 elements.
	Float int32 = 1
	// Int64 is TensorProto.INT64: int64 elements.
	Int64 int32 = 7
)

// AttrType is AttributeProto.AttributeType: which value of an Attr is in use.
type AttrType int32

// The attribute types that Attr supports, with their onnx.proto numbers.
const (
	// AttrFloat is a single float32 (AttributeProto.f).
	AttrFloat AttrType = 1
	// AttrInt is a single int64 (AttributeProto.i).
	AttrInt AttrType = 2
	// AttrString is a single string (AttributeProto.s).
	AttrString AttrType = 3
	// AttrTensor is a single tensor (AttributeProto.t).
	AttrTensor AttrType = 4
	// AttrFloats is a list of float32 (AttributeProto.floats).
	AttrFloats AttrType = 6
	// AttrInts is a list of int64 (AttributeProto.ints).
	AttrInts AttrType = 7
)

// Model is an ONNX ModelProto: one graph, the version of the default ("ai.onnx") operator
// set it uses, and free-form string metadata (metadata_props).
type Model struct {
	// IRVersion is the ONNX IR version, for example 8.
	IRVersion int64
	// OpsetVersion is the version of the default operator set, for example 17.
	OpsetVersion    int64
	ProducerName    string
	ProducerVersion string
	Graph           Graph
	// Metadata is written as metadata_props; keys should be distinct.
	Metadata []KV
}

// KV is one metadata entry (StringStringEntryProto).
type KV struct {
	Key, Value string
}

// Graph is an ONNX GraphProto: nodes in topological order, the graph's inputs and outputs,
// and constant tensors (initializers), which are not listed among the inputs.
type Graph struct {
	Name         string
	Nodes        []Node
	Inputs       []ValueInfo
	Outputs      []ValueInfo
	Initializers []Tensor
}

// Node is an ONNX NodeProto: one operator of the default domain applied to named values.
type Node struct {
	OpType  string
	Name    string
	Inputs  []string
	Outputs []string
	Attrs   []Attr
}

// Attr is an ONNX AttributeProto. Type says which of the value fields is used; the
// constructors FloatAttr, IntAttr, IntsAttr, FloatsAttr, StringAttr and TensorAttr set it.
type Attr struct {
	Name   string
	Type   AttrType
	F      float32
	I      int64
	S      string
	T      *Tensor
	Floats []float32
	Ints   []int64
}

// FloatAttr returns a float attribute.
func FloatAttr(name string, v float32) Attr { return Attr{Name: name, Type: AttrFloat, F: v} }

// IntAttr returns an integer attribute.
func IntAttr(name string, v int64) Attr { return Attr{Name: name, Type: AttrInt, I: v} }

// StringAttr returns a string attribute.
func StringAttr(name, v string) Attr { return Attr{Name: name, Type: AttrString, S: v} }

// TensorAttr returns a tensor attribute, as used by the Constant operator.
func TensorAttr(name string, t Tensor) Attr { return Attr{Name: name, Type: AttrTensor, T: &t} }

// FloatsAttr returns a list-of-floats attribute.
func FloatsAttr(name string, v ...float32) Attr {
	return Attr{Name: name, Type: AttrFloats, Floats: v}
}

// IntsAttr returns a list-of-integers attribute.
func IntsAttr(name string, v ...int64) Attr { return Attr{Name: name, Type: AttrInts, Ints: v} }

// Tensor is an ONNX TensorProto of type Float (data in Float32) or Int64 (data in Int64),
// in row-major order. Empty Dims make a scalar.
type Tensor struct {
	Name     string
	Dims     []int64
	DataType int32
	Float32  []float32
	Int64    []int64
}

// FloatTensor returns a float32 tensor; it keeps data without copying it.
func FloatTensor(name string, dims []int64, data []float32) Tensor {
	return Tensor{Name: name, Dims: dims, DataType: Float, Float32: data}
}

// Int64Tensor returns an int64 tensor; it keeps data without copying it.
func Int64Tensor(name string, dims []int64, data []int64) Tensor {
	return Tensor{Name: name, Dims: dims, DataType: Int64, Int64: data}
}

// NumElements returns the number of elements that t's Dims call for (1 for a scalar).
func (t *Tensor) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// ValueInfo is an ONNX ValueInfoProto for a tensor: its name, element type and shape.
type ValueInfo struct {
	Name     string
	ElemType int32
	Shape    []Dim
}

// Dim is one dimension of a ValueInfo's shape: a fixed size (Value) or, when Param is not
// empty, a symbolic size shared by name (for example "batch").
type Dim struct {
	Value int64
	Param string
}

// TensorInfo returns a ValueInfo; each of dims is an int (a fixed size) or a string (a
// symbolic dimension). It panics on any other type.
func TensorInfo(name string, elemType int32, dims ...any) ValueInfo {
	v := ValueInfo{Name: name, ElemType: elemType, Shape: make([]Dim, len(dims))}
	for i, d := range dims {
		switch d := d.(type) {
		case int:
			v.Shape[i] = Dim{Value: int64(d)}
		case int64:
			v.Shape[i] = Dim{Value: d}
		case string:
			v.Shape[i] = Dim{Param: d}
		default:
			panic("onnxpb.TensorInfo: dimension must be an int or a string")
		}
	}
	return v
}
