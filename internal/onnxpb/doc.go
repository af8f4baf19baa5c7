// Package onnxpb writes ONNX model files, and reads back the parts of them that skillx needs,
// without generated protobuf code.
//
// The types here mirror a subset of onnx.proto (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto with TypeProto.Tensor and TensorShapeProto,
// OperatorSetIdProto, StringStringEntryProto) and are encoded field by field with
// google.golang.org/protobuf/encoding/protowire, using onnx.proto's field numbers. Tensors are
// written as little-endian raw_data; the reader also accepts float_data and int64_data.
package onnxpb
