using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Planning;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// The tile engine's shared tiles are declared in the kernel body, where the emulator poisons them at every
/// block start: a variant compiled without the main loop's barrier (TILE_GEMM_DROP_BARRIER) must give a wrong
/// convolution, the same variant with it the right one. This is the test that a missing barrier in the
/// GEMM/conv engine is caught.
/// </summary>
[Category("Emulated")]
public class TileEngineBarrierTests
{
    private static readonly Conv2dGeometry Shape = new(2, 11, 9, 9, 27, 3, 1, 1);
    private static readonly ConvTile Tile = new(12, 64);

    [TestCase(0, true)]
    [TestCase(1, false)]
    public void ADroppedBarrierInTheTileEngineGivesAWrongConvolution(int dropBarrier, bool matches)
    {
        using var gpu = EmulatedDevice.Open();
        var defines = ConvSpecialisation.Defines(Shape, Tile).With("TILE_GEMM_DROP_BARRIER", dropBarrier);
        var kernel = gpu.GetKernel(ConvKernels.SpecialisedModule, ConvKernels.TiledKernelName(ConvKernels.Forward, 3, Tile), defines);
        var x = KernelCheckKit.Uniform((int)Core.Tensors.Shapes.Count(Shape.InputShape), 1);
        var w = KernelCheckKit.Uniform((int)Core.Tensors.Shapes.Count(Shape.WeightShape), 2);
        var expected = new float[Core.Tensors.Shapes.Count(Shape.OutputShape)];
        CpuReference.Conv2dForward(x, w, null, expected, Shape);

        var actual = RunForward(gpu, kernel, x, w, expected.Length);

        var comparison = KernelCheckKit.Compare(actual, expected, KernelCheckKit.SumTolerance((long)Shape.C * 9), KernelCheckKit.SumRelativeTolerance);
        Assert.That(comparison.Passed, Is.EqualTo(matches), comparison.Note ?? "all values within tolerance");
    }

    // One split over the whole reduction: the planner's tile grid for this shape, no bias, no ReLU.
    private static unsafe float[] RunForward(IGpu gpu, GpuKernel kernel, float[] x, float[] w, int outputs)
    {
        var gemm = ConvGemm.Of(ConvKernels.Forward, Shape);
        DevicePtr dx = Upload(gpu, x), dw = Upload(gpu, w), dy = gpu.Allocate(4L * outputs);
        try
        {
            var args = new KernelArgs();
            args.Add(dy); args.Add(DevicePtr.Null); args.Add(dx); args.Add(dw); args.Add(DevicePtr.Null);
            args.Add(Shape.N); args.Add((int)((gemm.K + 7) / 8 * 8)); args.Add(0);
            var grid = new Dim3((uint)Dim3.CeilDiv(gemm.N, Tile.Columns), (uint)Dim3.CeilDiv(gemm.M, Tile.Rows));
            gpu.Launch(kernel, grid, Tile.Threads, 0, args.Pointers, args.Widths);
            var result = new float[outputs];
            gpu.CopyToHost(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()), dy);
            return result;
        }
        finally
        {
            gpu.Free(dx); gpu.Free(dw); gpu.Free(dy);
        }
    }

    private static DevicePtr Upload(IGpu gpu, float[] values)
    {
        var p = gpu.Allocate(4L * values.Length);
        gpu.CopyToDevice(p, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return p;
    }
}
