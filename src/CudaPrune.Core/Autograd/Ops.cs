using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Autograd;

/// <summary>
/// Differentiable ops: each is one backend forward call plus, when grad is enabled, a closure that
/// calls the backend's backward into its inputs' gradients.
/// </summary>
public static class Ops
{
    private static bool NeedsGrad(params Tensor?[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t is { RequiresGrad: true }) return true;
        return false;
    }

    private static Tensor Record(Tensor output, string op, Tensor[] inputs, Action<Tensor> backward, IDisposable? saved = null)
    {
        output.RequiresGrad = true;
        output.Node = new AutogradNode(op, inputs, backward, saved);
        return output;
    }

    private static void CheckSameBackend(Tensor a, Tensor b)
    {
        if (!ReferenceEquals(a.Backend, b.Backend))
            throw new ArgumentException($"{a.Describe()} is on {a.Backend.Name} but {b.Describe()} is on {b.Backend.Name}");
    }

    /// <summary>y = conv2d(x, w) + b; x[N,C,H,W], w[OC,C,K,K].</summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, int stride, int padding)
    {
        if (x.Rank != 4) throw new ArgumentException($"conv2d expects NCHW input, got {x.Describe()}");
        if (w.Rank != 4 || w.Dim(2) != w.Dim(3)) throw new ArgumentException($"conv2d expects a square [OC,C,K,K] weight, got {w.Describe()}");
        if (w.Dim(1) != x.Dim(1)) throw new ArgumentException($"conv2d: input has {x.Dim(1)} channels but weight {w.Describe()} expects {w.Dim(1)}");
        if (b is not null && (b.Rank != 1 || b.Dim(0) != w.Dim(0))) throw new ArgumentException($"conv2d: bias {b.Describe()} does not match {w.Dim(0)} output channels");
        CheckSameBackend(x, w);
        var g = new Conv2dGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), w.Dim(0), w.Dim(2), stride, padding);
        g.Validate();
        var be = x.Backend;
        var y = be.Conv2dForward(x, w, b, g);
        if (!NeedsGrad(x, w, b)) return y;
        return Record(y, "conv2d", b is null ? [x, w] : [x, w, b], dy =>
        {
            if (x.RequiresGrad) be.Conv2dBackwardData(dy, w, x.GradOrCreate(), g);
            if (w.RequiresGrad || b is { RequiresGrad: true })
            {
                // The weight kernel also yields the bias gradient; a scratch buffer takes whichever is not wanted.
                using var scratchW = w.RequiresGrad ? null : be.Zeros(w.Shape);
                using var scratchB = b is null || b.RequiresGrad ? null : be.Zeros(b.Shape);
                be.Conv2dBackwardWeight(dy, x, scratchW ?? w.GradOrCreate(), b is null ? null : scratchB ?? b.GradOrCreate(), g);
            }
        });
    }

    /// <summary>y = x · wᵀ + b; x[N,IN], w[OUT,IN].</summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b)
    {
        if (x.Rank != 2 || w.Rank != 2 || x.Dim(1) != w.Dim(1))
            throw new ArgumentException($"linear: input {x.Describe()} does not match weight {w.Describe()} (expects [N,{(w.Rank == 2 ? w.Dim(1) : -1)}])");
        if (b is not null && (b.Rank != 1 || b.Dim(0) != w.Dim(0))) throw new ArgumentException($"linear: bias {b.Describe()} does not match weight {w.Describe()}");
        CheckSameBackend(x, w);
        var be = x.Backend;
        var y = be.LinearForward(x, w, b);
        if (!NeedsGrad(x, w, b)) return y;
        return Record(y, "linear", b is null ? [x, w] : [x, w, b], dy =>
            be.LinearBackward(dy, x, w,
                x.RequiresGrad ? x.GradOrCreate() : null,
                w.RequiresGrad ? w.GradOrCreate() : null,
                b is { RequiresGrad: true } ? b.GradOrCreate() : null));
    }

    public static Tensor Relu(Tensor x)
    {
        var be = x.Backend;
        var y = be.ReluForward(x);
        if (!NeedsGrad(x)) return y;
        return Record(y, "relu", [x], dy => be.ReluBackward(dy, y, x.GradOrCreate()));
    }

    public static Tensor Add(Tensor a, Tensor b)
    {
        if (!Shapes.Equal(a.Shape, b.Shape)) throw new ArgumentException($"add: shapes differ, {a.Describe()} and {b.Describe()}");
        CheckSameBackend(a, b);
        var be = a.Backend;
        var y = be.Add(a, b);
        if (!NeedsGrad(a, b)) return y;
        return Record(y, "add", [a, b], dy =>
        {
            if (a.RequiresGrad) be.AddInPlace(a.GradOrCreate(), dy);
            if (b.RequiresGrad) be.AddInPlace(b.GradOrCreate(), dy);
        });
    }

    public static Tensor MaxPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        if (x.Rank != 4) throw new ArgumentException($"max_pool2d expects NCHW input, got {x.Describe()}");
        var g = new Pool2dGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), kernel, stride, padding);
        g.Validate();
        var be = x.Backend;
        var y = be.MaxPool2dForward(x, g, out var argmax);
        if (!NeedsGrad(x)) { argmax.Dispose(); return y; }
        return Record(y, "max_pool2d", [x], dy => be.MaxPool2dBackward(dy, argmax, x.GradOrCreate(), g), argmax);
    }

    public static Tensor AvgPool2d(Tensor x, int kernel, int stride, int padding = 0)
    {
        if (x.Rank != 4) throw new ArgumentException($"avg_pool2d expects NCHW input, got {x.Describe()}");
        var g = new Pool2dGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), kernel, stride, padding);
        g.Validate();
        var be = x.Backend;
        var y = be.AvgPool2dForward(x, g);
        if (!NeedsGrad(x)) return y;
        return Record(y, "avg_pool2d", [x], dy => be.AvgPool2dBackward(dy, x.GradOrCreate(), g));
    }

    /// <summary>[N,C,H,W] → [N,C].</summary>
    public static Tensor GlobalAvgPool(Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"global_avg_pool expects NCHW input, got {x.Describe()}");
        var be = x.Backend;
        var y = be.GlobalAvgPoolForward(x);
        if (!NeedsGrad(x)) return y;
        return Record(y, "global_avg_pool", [x], dy => be.GlobalAvgPoolBackward(dy, x.GradOrCreate()));
    }

    /// <summary>Batch norm over channels of NCHW input; training mode uses and updates batch statistics.</summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        bool training, float momentum, float eps)
    {
        if (x.Rank != 4) throw new ArgumentException($"batch_norm2d expects NCHW input, got {x.Describe()}");
        int c = x.Dim(1);
        foreach (var p in new[] { gamma, beta, runningMean, runningVar })
            if (p.Rank != 1 || p.Dim(0) != c) throw new ArgumentException($"batch_norm2d: {p.Describe()} does not match {c} channels of {x.Describe()}");
        var be = x.Backend;
        if (!training) 
        {
            var ye = be.BatchNormEvalForward(x, gamma, beta, runningMean, runningVar, eps);
            if (!NeedsGrad(x, gamma, beta)) return ye;
            throw new NotSupportedException("batch_norm2d in eval mode is not differentiable here: call it in training mode or under GradMode.NoGrad()");
        }
        var y = be.BatchNormTrainForward(x, gamma, beta, runningMean, runningVar, momentum, eps, out var mean, out var invStd);
        if (!NeedsGrad(x, gamma, beta)) { mean.Dispose(); invStd.Dispose(); return y; }
        return Record(y, "batch_norm2d", [x, gamma, beta], dy =>
        {
            using var sdx = x.RequiresGrad ? null : be.Zeros(x.Shape);
            using var sdg = gamma.RequiresGrad ? null : be.Zeros(gamma.Shape);
            using var sdb = beta.RequiresGrad ? null : be.Zeros(beta.Shape);
            be.BatchNormBackward(dy, x, gamma, mean, invStd,
                sdx ?? x.GradOrCreate(), sdg ?? gamma.GradOrCreate(), sdb ?? beta.GradOrCreate());
        }, new DisposeBoth(mean, invStd));
    }

    /// <summary>Mean softmax cross-entropy over the batch: logits[N,K], labels[N] int32 → scalar [1].</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, float labelSmoothing = 0f)
    {
        if (logits.Rank != 2) throw new ArgumentException($"cross_entropy expects [N,K] logits, got {logits.Describe()}");
        if (labels.Rank != 1 || labels.Dim(0) != logits.Dim(0) || labels.DType != DType.Int32)
            throw new ArgumentException($"cross_entropy: labels {labels.Describe()} must be int32 [{logits.Dim(0)}]");
        if (labelSmoothing is < 0f or >= 1f) throw new ArgumentException($"label smoothing must be in [0,1), got {labelSmoothing}");
        var be = logits.Backend;
        int n = logits.Dim(0);
        using var losses = be.SoftmaxCrossEntropyForward(logits, labels, labelSmoothing, out var probs);
        var mean = be.Zeros([1]);
        using (var ones = be.Empty([n, 1]))
        {
            // mean = (1/N) · lossesᵀ · 1, as a GEMM so it stays on the device.
            be.Fill(ones, 1f / n);
            be.Gemm(false, false, 1, 1, n, 1f, losses.View([1, n]), ones, 0f, mean.View([1, 1]));
        }
        if (!NeedsGrad(logits)) { probs.Dispose(); return mean; }
        return Record(mean, "cross_entropy", [logits], dloss =>
        {
            // dloss is [1]. When it is Backward()'s seed of ones, its value is known: no host read, no sync.
            float seed = AutogradEngine.IsUnitSeed(dloss) ? 1f : dloss.ToArray()[0];
            be.SoftmaxCrossEntropyBackward(probs, labels, labelSmoothing, seed / n, logits.GradOrCreate());
        }, probs);
    }

    /// <summary>A view with a new shape; the gradient flows back reshaped.</summary>
    public static Tensor Reshape(Tensor x, int[] shape)
    {
        var y = x.View(shape);
        if (!NeedsGrad(x)) return y;
        return Record(y, "reshape", [x], dy => x.Backend.AddInPlace(x.GradOrCreate(), dy));
    }

    /// <summary>[N, ...] → [N, rest].</summary>
    public static Tensor Flatten(Tensor x) => Reshape(x, [x.Dim(0), -1]);

    /// <summary>Selects entries of one dimension (any dtype); the gradient is scattered back.</summary>
    public static Tensor IndexSelect(Tensor x, int dim, int[] indices)
    {
        var be = x.Backend;
        var y = be.IndexSelect(x, dim, indices);
        if (!NeedsGrad(x)) return y;
        return Record(y, "index_select", [x], dy => be.IndexAdd(x.GradOrCreate(), dim, indices, dy));
    }

    private sealed class DisposeBoth(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose() { a.Dispose(); b.Dispose(); }
    }
}
