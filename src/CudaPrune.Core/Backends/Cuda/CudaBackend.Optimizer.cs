using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/sgd.cu: one fused pass over param, grad and the momentum buffer; version 2 (float4) is the default.
public sealed partial class CudaBackend
{
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParameters p)
    {
        Require(param, "SgdStep param");
        RequireShape(grad, param.Shape, "SgdStep grad");
        if (p.Momentum < 0f || p.WeightDecay < 0f || p.LearningRate < 0f)
            throw new ArgumentOutOfRangeException(nameof(p), p, "SgdStep: learning rate, momentum and weight decay must not be negative");
        if (p.Nesterov && p.Momentum == 0f) throw new ArgumentException("SgdStep: Nesterov momentum needs a momentum > 0");
        bool useMomentum = p.Momentum != 0f;
        if (useMomentum && momentumBuffer is null)
            throw new ArgumentNullException(nameof(momentumBuffer), $"SgdStep: momentum {p.Momentum} needs a momentum buffer for {param.Describe()}");
        if (useMomentum) RequireShape(momentumBuffer!, param.Shape, "SgdStep momentum buffer");

        const string op = "sgd_step";
        int version = VersionOf(op), block = BlockSizeOf(op);
        long n = param.Count;
        var a = new KernelArgs();
        a.Add(param.Ptr); a.Add(useMomentum ? momentumBuffer!.Ptr : DevicePtr.Null); a.Add(grad.Ptr);
        a.Add(p.LearningRate); a.Add(p.Momentum); a.Add(p.WeightDecay); a.Add(p.Nesterov ? 1 : 0); a.Add(n);
        long threads = version == 2 ? (n + 3) / 4 : n;
        Launch(KernelOf("sgd", op, version), GridStrideBlocks(threads, block), block, 0, ref a,
            flops: (useMomentum ? 6.0 : 3.0) * n, bytes: 4.0 * (useMomentum ? 5 : 3) * n);
    }
}
