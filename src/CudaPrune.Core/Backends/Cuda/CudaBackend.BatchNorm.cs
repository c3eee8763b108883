using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/batchnorm.cu: x[N,C,H,W], per-channel parameters and statistics [C].
// Version 2 of the training forward and the backward splits each channel into slices so that the grid
// fills the device even with few channels; its per-slice partials live in a scratch tensor from the cache.
public sealed partial class CudaBackend
{
    private const string BatchNormModule = "batchnorm";

    public Tensor BatchNormTrainForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, out Tensor saveMean, out Tensor saveInvStd)
    {
        const string name = "BatchNormTrainForward";
        var (N, C, HW) = BatchNormShape(x, name);
        if (momentum is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{name}: momentum must be in [0, 1]");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{name}: eps must be positive");
        RequireInt32Range(x.Count, $"{name} input {x.Describe()}");
        int M = N * HW;
        if (M < 2) throw new ArgumentException($"{name}: input {x.Describe()} has one value per channel; training mode needs more to estimate a variance");
        RequireShape(gamma, [C], $"{name} gamma");
        RequireShape(beta, [C], $"{name} beta");
        RequireShape(runningMean, [C], $"{name} running mean");
        RequireShape(runningVar, [C], $"{name} running var");
        var y = Empty(x.Shape);
        saveMean = Empty([C]);
        saveInvStd = Empty([C]);

        const string op = "batch_norm_train_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        double flops = 8.0 * x.Count, bytes = 4.0 * (2 * x.Count + 6 * C); // x read (at least) once, y written once
        if (version == 1)
        {
            var a = new KernelArgs();
            a.Add(y.Ptr); a.Add(saveMean.Ptr); a.Add(saveInvStd.Ptr); a.Add(runningMean.Ptr); a.Add(runningVar.Ptr);
            a.Add(x.Ptr); a.Add(gamma.Ptr); a.Add(beta.Ptr); a.Add(N); a.Add(C); a.Add(HW); a.Add(momentum); a.Add(eps);
            Launch(KernelOf(BatchNormModule, op, 1), C, block, 0, ref a, flops, bytes);
            return y;
        }

        var (chunks, chunkLen) = ChannelSlices(M, C, block);
        using var partials = Empty([C, chunks, 2]);
        var grid = new Dim3((uint)chunks, (uint)C);
        var p = new KernelArgs();
        p.Add(partials.Ptr); p.Add(x.Ptr); p.Add(N); p.Add(C); p.Add(HW); p.Add(chunkLen);
        Launch(Kernel(BatchNormModule, $"{op}_partial_kernel2"), grid, block, 0, ref p, flops: 3.0 * x.Count, bytes: 4.0 * x.Count);
        var f = new KernelArgs();
        f.Add(y.Ptr); f.Add(saveMean.Ptr); f.Add(saveInvStd.Ptr); f.Add(runningMean.Ptr); f.Add(runningVar.Ptr);
        f.Add(partials.Ptr); f.Add(x.Ptr); f.Add(gamma.Ptr); f.Add(beta.Ptr);
        f.Add(N); f.Add(C); f.Add(HW); f.Add(chunkLen); f.Add(momentum); f.Add(eps);
        Launch(KernelOf(BatchNormModule, op, 2), grid, block, 0, ref f, flops: 5.0 * x.Count, bytes: 4.0 * (2 * x.Count + 6 * C));
        return y;
    }

    public Tensor BatchNormEvalForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps)
    {
        const string name = "BatchNormEvalForward";
        var (_, C, HW) = BatchNormShape(x, name);
        int n = RequireInt32Range(x.Count, $"{name} input {x.Describe()}");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{name}: eps must be positive");
        RequireShape(gamma, [C], $"{name} gamma");
        RequireShape(beta, [C], $"{name} beta");
        RequireShape(runningMean, [C], $"{name} running mean");
        RequireShape(runningVar, [C], $"{name} running var");
        var y = Empty(x.Shape);
        const string op = "batch_norm_eval_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(y.Ptr); a.Add(x.Ptr); a.Add(gamma.Ptr); a.Add(beta.Ptr); a.Add(runningMean.Ptr); a.Add(runningVar.Ptr);
        a.Add(C); a.Add(HW); a.Add(eps); a.Add(n);
        Launch(KernelOf(BatchNormModule, op, version), GridStrideBlocks(x.Count, block), block, 0, ref a,
            flops: 4.0 * x.Count, bytes: 4.0 * (2 * x.Count + 4 * C));
        return y;
    }

    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta)
    {
        const string name = "BatchNormBackward";
        var (N, C, HW) = BatchNormShape(x, name);
        RequireInt32Range(x.Count, $"{name} input {x.Describe()}");
        int M = N * HW;
        RequireShape(dy, x.Shape, $"{name} dy");
        RequireShape(dx, x.Shape, $"{name} dx");
        RequireShape(gamma, [C], $"{name} gamma");
        RequireShape(saveMean, [C], $"{name} saved mean");
        RequireShape(saveInvStd, [C], $"{name} saved inverse std");
        RequireShape(dgamma, [C], $"{name} dgamma");
        RequireShape(dbeta, [C], $"{name} dbeta");

        const string op = "batch_norm_backward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        double flops = 10.0 * x.Count, bytes = 4.0 * 4 * x.Count; // dy and x read, dx read and written
        if (version == 1)
        {
            var a = new KernelArgs();
            a.Add(dx.Ptr); a.Add(dgamma.Ptr); a.Add(dbeta.Ptr); a.Add(dy.Ptr); a.Add(x.Ptr); a.Add(gamma.Ptr);
            a.Add(saveMean.Ptr); a.Add(saveInvStd.Ptr); a.Add(N); a.Add(C); a.Add(HW);
            Launch(KernelOf(BatchNormModule, op, 1), C, block, 0, ref a, flops, bytes);
            return;
        }

        var (chunks, chunkLen) = ChannelSlices(M, C, block);
        using var partials = Empty([C, chunks, 2]);
        var grid = new Dim3((uint)chunks, (uint)C);
        var p = new KernelArgs();
        p.Add(partials.Ptr); p.Add(dy.Ptr); p.Add(x.Ptr); p.Add(saveMean.Ptr); p.Add(saveInvStd.Ptr);
        p.Add(N); p.Add(C); p.Add(HW); p.Add(chunkLen);
        Launch(Kernel(BatchNormModule, $"{op}_partial_kernel2"), grid, block, 0, ref p, flops: 4.0 * x.Count, bytes: 4.0 * 2 * x.Count);
        var f = new KernelArgs();
        f.Add(dx.Ptr); f.Add(dgamma.Ptr); f.Add(dbeta.Ptr); f.Add(partials.Ptr); f.Add(dy.Ptr); f.Add(x.Ptr);
        f.Add(gamma.Ptr); f.Add(saveMean.Ptr); f.Add(saveInvStd.Ptr); f.Add(N); f.Add(C); f.Add(HW); f.Add(chunkLen);
        Launch(KernelOf(BatchNormModule, op, 2), grid, block, 0, ref f, flops: 6.0 * x.Count, bytes: 4.0 * 4 * x.Count);
    }

    /// <summary>
    /// How version 2 slices each channel's <paramref name="M"/> values: enough slices for all channels
    /// together to fill the device once, but no slice shorter than a block (a thread per value at least).
    /// </summary>
    private (int Chunks, int ChunkLen) ChannelSlices(int M, int C, int block)
    {
        int wanted = Math.Clamp(Dim3.CeilDiv(FullWaveBlocks(block), C), 1, Dim3.CeilDiv(M, block));
        int chunkLen = Dim3.CeilDiv(M, wanted);
        return (Dim3.CeilDiv(M, chunkLen), chunkLen);
    }

    private (int N, int C, int HW) BatchNormShape(Tensor x, string op)
    {
        Require(x, $"{op} input");
        RequireRank(x, 4, $"{op} input");
        return (x.Dim(0), x.Dim(1), x.Dim(2) * x.Dim(3));
    }
}
