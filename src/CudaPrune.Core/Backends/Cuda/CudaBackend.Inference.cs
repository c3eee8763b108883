using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// Inference: the conv with its bias + ReLU epilogue fused (kernels/conv2d.cu), batch-norm folding (kernels/inference.cu).
public sealed partial class CudaBackend
{
    public Tensor Conv2dBiasReluForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g, bool relu)
    {
        if (!relu) return Conv2dForward(x, w, b, g);
        CheckConvolution(g, "Conv2dBiasReluForward");
        RequireShape(x, g.InputShape, "Conv2dBiasReluForward input");
        RequireShape(w, g.WeightShape, "Conv2dBiasReluForward weight");
        if (b is not null) RequireShape(b, [g.OC], "Conv2dBiasReluForward bias");
        var y = Empty(g.OutputShape);
        LaunchConvForward(ConvKernels.BiasReluForward, y.Ptr, x.Ptr, w.Ptr, b?.Ptr ?? DevicePtr.Null, g);
        return y;
    }

    public (Tensor W, Tensor B) FoldBatchNorm(Tensor w, Tensor? b, Tensor gamma, Tensor beta, Tensor mean, Tensor var, float eps)
    {
        Require(w, "FoldBatchNorm weight");
        if (w.Rank < 1) throw new ArgumentException($"FoldBatchNorm weight: expected [OC, ...], got {Shapes.Format(w.Shape)}");
        int oc = w.Dim(0);
        if (b is not null) RequireShape(b, [oc], "FoldBatchNorm bias");
        RequireShape(gamma, [oc], "FoldBatchNorm gamma");
        RequireShape(beta, [oc], "FoldBatchNorm beta");
        RequireShape(mean, [oc], "FoldBatchNorm running mean");
        RequireShape(var, [oc], "FoldBatchNorm running var");
        if (w.Count > int.MaxValue) throw new ArgumentException($"FoldBatchNorm weight: {w.Describe()} holds more than 2^31 - 1 elements");
        var wOut = Empty(w.Shape);
        var bOut = Empty([oc]);
        if (w.Count == 0) return (wOut, bOut);
        int per = (int)(w.Count / oc);

        var args = new KernelArgs();
        args.Add(wOut.Ptr); args.Add(bOut.Ptr); args.Add(w.Ptr); args.Add(b?.Ptr ?? DevicePtr.Null);
        args.Add(gamma.Ptr); args.Add(beta.Ptr); args.Add(mean.Ptr); args.Add(var.Ptr);
        args.Add(eps); args.Add(oc); args.Add(per);
        int threads = Versions.BlockSize(InferenceKernels.FoldBatchNorm, InferenceKernels.BlockSize);
        Launch(Kernel(InferenceKernels.Module, InferenceKernels.FoldBatchNorm + "_kernel1"), GridStrideBlocks(w.Count, threads), threads, 0, ref args,
            2.0 * w.Count, 4.0 * (2 * w.Count + 6 * oc));
        return (wOut, bOut);
    }
}
