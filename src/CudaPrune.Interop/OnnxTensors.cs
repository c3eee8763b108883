using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CudaPrune.Core.Tensors;
using CudaPrune.Interop.Onnx.Proto;
using Google.Protobuf;
using DataType = CudaPrune.Interop.Onnx.Proto.TensorProto.Types.DataType;

namespace CudaPrune.Interop;

/// <summary>Dense tensors between our float arrays and ONNX TensorProto (values little-endian in raw_data, as ONNX requires).</summary>
public static class OnnxTensors
{
    public static TensorProto Float(string name, int[] shape, float[] values)
    {
        if (Shapes.Count(shape) != values.LongLength)
            throw new ArgumentException($"tensor '{name}' {Shapes.Format(shape)} needs {Shapes.Count(shape)} values, got {values.LongLength}");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this machine is not");
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(shape.Select(d => (long)d));
        return t;
    }

    public static TensorProto Int64(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }

    /// <summary>The dims of <paramref name="t"/> as ints; throws when one is negative or too large.</summary>
    public static int[] Shape(TensorProto t) => t.Dims.Select(d => d is >= 0 and <= int.MaxValue ? (int)d
        : throw new OnnxImportException($"tensor '{t.Name}' has dimension {d}")).ToArray();

    /// <summary>The values of a FLOAT tensor, from raw_data or float_data.</summary>
    public static float[] ReadFloats(TensorProto t)
    {
        RequireInternal(t);
        if (t.DataType != (int)DataType.Float)
            throw new OnnxImportException($"tensor '{t.Name}' holds {(DataType)t.DataType}: only float32 weights are supported");
        long count = Shapes.Count(Shape(t));
        float[] values;
        if (t.HasRawData)
        {
            if (t.RawData.Length != count * 4)
                throw new OnnxImportException($"tensor '{t.Name}' {Shapes.Format(Shape(t))} needs {count * 4} bytes of raw_data, has {t.RawData.Length}");
            values = new float[count];
            var bytes = t.RawData.Span;
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        }
        else values = t.FloatData.ToArray();
        if (values.LongLength != count)
            throw new OnnxImportException($"tensor '{t.Name}' {Shapes.Format(Shape(t))} needs {count} values, has {values.LongLength}");
        return values;
    }

    /// <summary>The values of an INT64 or INT32 tensor (shape arguments, axes, pads), from raw_data or the typed field.</summary>
    public static long[] ReadInts(TensorProto t)
    {
        RequireInternal(t);
        long count = Shapes.Count(Shape(t));
        long[] values = (DataType)t.DataType switch
        {
            DataType.Int64 when t.HasRawData => Enumerable.Range(0, t.RawData.Length / 8)
                .Select(i => BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span[(8 * i)..])).ToArray(),
            DataType.Int64 => t.Int64Data.ToArray(),
            DataType.Int32 when t.HasRawData => Enumerable.Range(0, t.RawData.Length / 4)
                .Select(i => (long)BinaryPrimitives.ReadInt32LittleEndian(t.RawData.Span[(4 * i)..])).ToArray(),
            DataType.Int32 => t.Int32Data.Select(v => (long)v).ToArray(),
            var other => throw new OnnxImportException($"tensor '{t.Name}' holds {other}, expected integers (INT64 or INT32)"),
        };
        if (values.LongLength != count)
            throw new OnnxImportException($"tensor '{t.Name}' {Shapes.Format(Shape(t))} needs {count} integers, has {values.LongLength}");
        return values;
    }

    private static void RequireInternal(TensorProto t)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new OnnxImportException($"tensor '{t.Name}' is stored in an external data file: save the model with all tensors inside the .onnx file");
    }
}
