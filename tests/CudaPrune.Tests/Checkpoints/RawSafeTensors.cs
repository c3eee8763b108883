using System.Buffers.Binary;
using System.Text;

namespace CudaPrune.Tests.Checkpoints;

/// <summary>Writes safetensors files by hand (any header, any data), to make the malformed files a writer never would.</summary>
public static class RawSafeTensors
{
    public static void Write(string path, string header, byte[] data, ulong? lengthOverride = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthOverride ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        File.WriteAllBytes(path, bytes);
    }
}
