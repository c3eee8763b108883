using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// The SGEMM micro-kernel: a register tile C[MR, NR] (+)= alpha · Ã · B̃ over kc steps, where Ã is an
/// MR-row panel packed k-major (MR values per k) and B̃ an NR-column panel packed k-major (NR values per k).
/// </summary>
/// <remarks>
/// MR = 6 rows by two vectors of columns: 12 vector accumulators + 2 B vectors + 1 broadcast fit the 16
/// AVX2 registers (6x16 floats), or 6x32 floats with Vector512. Each k step does 12 FMAs for 2 loads and
/// 6 broadcasts, enough to keep both FMA pipes busy. Columns past the matrix edge are computed into a
/// scratch tile and only the valid part is written.
/// </remarks>
internal sealed unsafe class CpuGemmKernel
{
    public const int MR = 6;

    private CpuGemmKernel(int vectorBits) => VectorBits = vectorBits;

    public static readonly CpuGemmKernel Vector256Kernel = new(256);
    public static readonly CpuGemmKernel Vector512Kernel = new(512);

    /// <summary>The widest kernel this CPU runs in hardware.</summary>
    public static CpuGemmKernel Best => Vector512.IsHardwareAccelerated ? Vector512Kernel : Vector256Kernel;

    public int VectorBits { get; }

    /// <summary>Columns of a packed B panel: two vectors.</summary>
    public int NR => VectorBits / 16;

    /// <summary>
    /// C[rows, cols] = (accumulate ? C : 0) + alpha · Ã[kc, MR] · B̃[kc, NR], for rows ≤ MR and cols ≤ NR.
    /// </summary>
    public void Run(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, float alpha, bool accumulate)
    {
        if (cols == NR)
        {
            Dispatch(kc, a, b, c, ldc, rows, alpha, accumulate);
            return;
        }
        // Partial column panel: compute the full width into a tile, then write the valid columns.
        float* tile = stackalloc float[MR * 32];
        Dispatch(kc, a, b, tile, NR, rows, alpha, accumulate: false);
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + (nint)r * ldc;
            float* tr = tile + r * NR;
            if (accumulate) for (int j = 0; j < cols; j++) cr[j] += tr[j];
            else for (int j = 0; j < cols; j++) cr[j] = tr[j];
        }
    }

    private void Dispatch(int kc, float* a, float* b, float* c, int ldc, int rows, float alpha, bool accumulate)
    {
        if (VectorBits == 512)
        {
            switch (rows)
            {
                case 6: Kernel512<Rows6>(kc, a, b, c, ldc, alpha, accumulate); break;
                case 5: Kernel512<Rows5>(kc, a, b, c, ldc, alpha, accumulate); break;
                case 4: Kernel512<Rows4>(kc, a, b, c, ldc, alpha, accumulate); break;
                case 3: Kernel512<Rows3>(kc, a, b, c, ldc, alpha, accumulate); break;
                case 2: Kernel512<Rows2>(kc, a, b, c, ldc, alpha, accumulate); break;
                default: Kernel512<Rows1>(kc, a, b, c, ldc, alpha, accumulate); break;
            }
            return;
        }
        switch (rows)
        {
            case 6: Kernel256<Rows6>(kc, a, b, c, ldc, alpha, accumulate); break;
            case 5: Kernel256<Rows5>(kc, a, b, c, ldc, alpha, accumulate); break;
            case 4: Kernel256<Rows4>(kc, a, b, c, ldc, alpha, accumulate); break;
            case 3: Kernel256<Rows3>(kc, a, b, c, ldc, alpha, accumulate); break;
            case 2: Kernel256<Rows2>(kc, a, b, c, ldc, alpha, accumulate); break;
            default: Kernel256<Rows1>(kc, a, b, c, ldc, alpha, accumulate); break;
        }
    }

    // cRK = accumulator of row R, column vector K. Rows past TRows.Value are folded away by the JIT.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256<TRows>(int kc, float* a, float* b, float* c, int ldc, float alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var ar = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ar, b1, c01);
            if (TRows.Value > 1)
            {
                ar = Vector256.Create(a[1]);
                c10 = Vector256.FusedMultiplyAdd(ar, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(ar, b1, c11);
            }
            if (TRows.Value > 2)
            {
                ar = Vector256.Create(a[2]);
                c20 = Vector256.FusedMultiplyAdd(ar, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(ar, b1, c21);
            }
            if (TRows.Value > 3)
            {
                ar = Vector256.Create(a[3]);
                c30 = Vector256.FusedMultiplyAdd(ar, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(ar, b1, c31);
            }
            if (TRows.Value > 4)
            {
                ar = Vector256.Create(a[4]);
                c40 = Vector256.FusedMultiplyAdd(ar, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(ar, b1, c41);
            }
            if (TRows.Value > 5)
            {
                ar = Vector256.Create(a[5]);
                c50 = Vector256.FusedMultiplyAdd(ar, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(ar, b1, c51);
            }
            a += MR;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        Store256(c, c00, c01, va, accumulate);
        if (TRows.Value > 1) Store256(c + ldc, c10, c11, va, accumulate);
        if (TRows.Value > 2) Store256(c + 2 * (nint)ldc, c20, c21, va, accumulate);
        if (TRows.Value > 3) Store256(c + 3 * (nint)ldc, c30, c31, va, accumulate);
        if (TRows.Value > 4) Store256(c + 4 * (nint)ldc, c40, c41, va, accumulate);
        if (TRows.Value > 5) Store256(c + 5 * (nint)ldc, c50, c51, va, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> lo, Vector256<float> hi, Vector256<float> alpha, bool accumulate)
    {
        if (accumulate)
        {
            Vector256.FusedMultiplyAdd(lo, alpha, Vector256.Load(c)).Store(c);
            Vector256.FusedMultiplyAdd(hi, alpha, Vector256.Load(c + 8)).Store(c + 8);
        }
        else
        {
            (lo * alpha).Store(c);
            (hi * alpha).Store(c + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512<TRows>(int kc, float* a, float* b, float* c, int ldc, float alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var ar = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ar, b1, c01);
            if (TRows.Value > 1)
            {
                ar = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(ar, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(ar, b1, c11);
            }
            if (TRows.Value > 2)
            {
                ar = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(ar, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(ar, b1, c21);
            }
            if (TRows.Value > 3)
            {
                ar = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(ar, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(ar, b1, c31);
            }
            if (TRows.Value > 4)
            {
                ar = Vector512.Create(a[4]);
                c40 = Vector512.FusedMultiplyAdd(ar, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(ar, b1, c41);
            }
            if (TRows.Value > 5)
            {
                ar = Vector512.Create(a[5]);
                c50 = Vector512.FusedMultiplyAdd(ar, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(ar, b1, c51);
            }
            a += MR;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        Store512(c, c00, c01, va, accumulate);
        if (TRows.Value > 1) Store512(c + ldc, c10, c11, va, accumulate);
        if (TRows.Value > 2) Store512(c + 2 * (nint)ldc, c20, c21, va, accumulate);
        if (TRows.Value > 3) Store512(c + 3 * (nint)ldc, c30, c31, va, accumulate);
        if (TRows.Value > 4) Store512(c + 4 * (nint)ldc, c40, c41, va, accumulate);
        if (TRows.Value > 5) Store512(c + 5 * (nint)ldc, c50, c51, va, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> lo, Vector512<float> hi, Vector512<float> alpha, bool accumulate)
    {
        if (accumulate)
        {
            Vector512.FusedMultiplyAdd(lo, alpha, Vector512.Load(c)).Store(c);
            Vector512.FusedMultiplyAdd(hi, alpha, Vector512.Load(c + 16)).Store(c + 16);
        }
        else
        {
            (lo * alpha).Store(c);
            (hi * alpha).Store(c + 16);
        }
    }
}
