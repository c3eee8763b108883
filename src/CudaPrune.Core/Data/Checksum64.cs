using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Data;

/// <summary>
/// A fast Fletcher-style checksum over 64-bit words, four lanes at a time: one sum of the words and one sum of
/// the running sums, so a changed byte and moved bytes both change it. It catches damaged cache files; it is no
/// defence against tampering.
/// </summary>
internal static class Checksum64
{
    private const ulong Prime = 0x100000001B3;

    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var blocks = MemoryMarshal.Cast<byte, Vector256<ulong>>(data);
        var sum = Vector256<ulong>.Zero;
        var sumOfSums = Vector256<ulong>.Zero;
        foreach (var block in blocks)
        {
            sum += block;
            sumOfSums += sum;
        }

        ulong hash = (ulong)data.Length;
        for (int lane = 0; lane < Vector256<ulong>.Count; lane++)
            hash = (hash * Prime ^ sum[lane]) * Prime ^ sumOfSums[lane];
        foreach (byte b in data[(blocks.Length * Vector256<byte>.Count)..])
            hash = hash * Prime ^ b;
        return hash;
    }
}
