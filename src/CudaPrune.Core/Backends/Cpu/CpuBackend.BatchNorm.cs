using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    // x[N,C,H,W]; gamma, beta, running and saved statistics [C]

    public Tensor BatchNormTrainForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        float momentum, float eps, out Tensor saveMean, out Tensor saveInvStd)
    {
        var (N, C, HW) = BatchNormShape(x, "BatchNormTrainForward");
        if (momentum is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNormTrainForward: momentum must be in [0, 1]");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNormTrainForward: eps must be positive");
        if ((long)N * HW < 2)
            throw new ArgumentException($"BatchNormTrainForward: input {x.Describe()} has one value per channel; training mode needs more to estimate a variance");
        var xs = Floats(x, "BatchNormTrainForward input");
        var gs = Floats(gamma, "BatchNormTrainForward gamma", [C]);
        var bs = Floats(beta, "BatchNormTrainForward beta", [C]);
        var rm = Floats(runningMean, "BatchNormTrainForward running mean", [C]);
        var rv = Floats(runningVar, "BatchNormTrainForward running var", [C]);
        var y = Empty(x.Shape);
        saveMean = Empty([C]);
        saveInvStd = Empty([C]);
        using var _ = Observe("batch_norm_train_forward", 5.0 * x.Count, 4.0 * (2 * x.Count + 8 * C));
        if (UseFastPaths)
            CpuBatchNorm.TrainForward(Threads, FloatArray(x), FloatArray(gamma), FloatArray(beta), FloatArray(runningMean), FloatArray(runningVar),
                momentum, eps, FloatArray(y), FloatArray(saveMean), FloatArray(saveInvStd), N, C, HW);
        else
            CpuReference.BatchNormTrainForward(xs, gs, bs, rm, rv, momentum, eps, y.Span<float>(), saveMean.Span<float>(), saveInvStd.Span<float>(), N, C, HW);
        return y;
    }

    public Tensor BatchNormEvalForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps)
    {
        var (N, C, HW) = BatchNormShape(x, "BatchNormEvalForward");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNormEvalForward: eps must be positive");
        var xs = Floats(x, "BatchNormEvalForward input");
        var gs = Floats(gamma, "BatchNormEvalForward gamma", [C]);
        var bs = Floats(beta, "BatchNormEvalForward beta", [C]);
        var rm = Floats(runningMean, "BatchNormEvalForward running mean", [C]);
        var rv = Floats(runningVar, "BatchNormEvalForward running var", [C]);
        var y = Empty(x.Shape);
        using var _ = Observe("batch_norm_eval_forward", 2.0 * x.Count, 4.0 * (2 * x.Count + 4 * C));
        if (UseFastPaths)
            CpuBatchNorm.EvalForward(Threads, FloatArray(x), FloatArray(gamma), FloatArray(beta), FloatArray(runningMean), FloatArray(runningVar),
                eps, FloatArray(y), N, C, HW);
        else
            CpuReference.BatchNormEvalForward(xs, gs, bs, rm, rv, eps, y.Span<float>(), N, C, HW);
        return y;
    }

    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        Tensor dx, Tensor dgamma, Tensor dbeta)
    {
        var (N, C, HW) = BatchNormShape(x, "BatchNormBackward");
        var xs = Floats(x, "BatchNormBackward input");
        var dys = Floats(dy, "BatchNormBackward dy", x.Shape);
        var dxs = Floats(dx, "BatchNormBackward dx", x.Shape);
        var gs = Floats(gamma, "BatchNormBackward gamma", [C]);
        var ms = Floats(saveMean, "BatchNormBackward saved mean", [C]);
        var ss = Floats(saveInvStd, "BatchNormBackward saved inverse std", [C]);
        var dgs = Floats(dgamma, "BatchNormBackward dgamma", [C]);
        var dbs = Floats(dbeta, "BatchNormBackward dbeta", [C]);
        using var _ = Observe("batch_norm_backward", 6.0 * x.Count, 4.0 * (4 * x.Count + 7 * C));
        if (UseFastPaths)
            CpuBatchNorm.Backward(Threads, FloatArray(dy), FloatArray(x), FloatArray(gamma), FloatArray(saveMean), FloatArray(saveInvStd),
                FloatArray(dx), FloatArray(dgamma), FloatArray(dbeta), N, C, HW);
        else
            CpuReference.BatchNormBackward(dys, xs, gs, ms, ss, dxs, dgs, dbs, N, C, HW);
    }

    private static (int N, int C, int HW) BatchNormShape(Tensor x, string op)
    {
        RequireRank(x, 4, $"{op} input");
        return (x.Dim(0), x.Dim(1), x.Dim(2) * x.Dim(3));
    }
}
