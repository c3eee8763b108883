using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>One output of an op, read back to the host: a check compares it with the reference's output of the same name.</summary>
/// <param name="Name">What it is ("y", "dx", "running var").</param>
/// <param name="Values">The values; int32 and uint8 outputs are converted to float (exact below 2^24).</param>
/// <param name="Exact">True where no rounding is involved (indices, copies): any difference fails, whatever the tolerance.</param>
public sealed record CheckOutput(string Name, float[] Values, bool Exact = false)
{
    /// <summary>An int32 output (argmax, say): exact.</summary>
    public static CheckOutput Indices(string name, int[] values) => new(name, Array.ConvertAll(values, v => (float)v), Exact: true);

    /// <summary>Reads <paramref name="t"/> back whatever its dtype; int32 and uint8 outputs are exact.</summary>
    public static CheckOutput Read(string name, Tensor t, bool exact = false) => t.DType switch
    {
        DType.Float32 => new CheckOutput(name, t.ToArray(), exact),
        DType.Int32 => Indices(name, t.ToIntArray()),
        _ => new CheckOutput(name, Array.ConvertAll(ReadBytes(t), b => (float)b), Exact: true),
    };

    // IBackend reads back float32 and int32 only; bytes come straight from the storage.
    private static byte[] ReadBytes(Tensor t)
    {
        if (t.Backend is not CudaBackend cuda) return t.Span<byte>().ToArray();
        var bytes = new byte[t.Count];
        if (bytes.Length > 0) cuda.Gpu.CopyToHost(bytes, t.Ptr);
        return bytes;
    }
}
