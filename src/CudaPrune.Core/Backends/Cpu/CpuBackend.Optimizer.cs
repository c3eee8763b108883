using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParameters p)
    {
        var ps = Floats(param, "SgdStep param");
        var gs = Floats(grad, "SgdStep grad", param.Shape);
        if (p.Momentum < 0f || p.WeightDecay < 0f || p.LearningRate < 0f)
            throw new ArgumentOutOfRangeException(nameof(p), p, "SgdStep: learning rate, momentum and weight decay must not be negative");
        if (p.Nesterov && p.Momentum == 0f) throw new ArgumentException("SgdStep: Nesterov momentum needs a momentum > 0");
        bool useMomentum = p.Momentum != 0f;
        if (useMomentum && momentumBuffer is null) throw new ArgumentNullException(nameof(momentumBuffer), $"SgdStep: momentum {p.Momentum} needs a momentum buffer for {param.Describe()}");
        var bs = useMomentum ? Floats(momentumBuffer!, "SgdStep momentum buffer", param.Shape) : Span<float>.Empty;
        if (UseFastPaths)
            CpuOptimizer.SgdStep(Threads, FloatArray(param), FloatArray(grad), useMomentum ? FloatArray(momentumBuffer!) : null, p, ps.Length);
        else
            CpuReference.SgdStep(ps, gs, bs, p);
    }
}
