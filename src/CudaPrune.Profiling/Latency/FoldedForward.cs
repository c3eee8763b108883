using CudaPrune.Core.Backends;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// A model's inference pass with every batch norm folded into the convolution before it
/// (<see cref="IBackend.FoldBatchNorm"/>) and a following ReLU fused into the convolution's epilogue
/// (<see cref="IBackend.Conv2dBiasReluForward"/>): one kernel per conv-BN-ReLU instead of three. The other
/// layers run their own modules. Each fused kernel is attributed to the convolution's path.
/// </summary>
/// <remarks>Eval mode and no grad only: the folded weights use the running statistics. The model's own tensors are not changed.</remarks>
public sealed class FoldedForward : IDisposable
{
    private readonly List<Func<Tensor, Tensor>> _steps = [];
    private readonly List<Tensor> _folded = [];

    private FoldedForward(Model model) => Model = model;

    public Model Model { get; }

    /// <summary>How many conv + batch-norm pairs were folded.</summary>
    public int FoldedPairs => _folded.Count / 2;

    /// <summary>Folds <paramref name="model"/>'s batch norms into new weight and bias tensors on its backend.</summary>
    public static FoldedForward Build(Model model)
    {
        var pass = new FoldedForward(model);
        try
        {
            var layers = model.Spec.Layers;
            for (int i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                if (layer is ConvSpec && i + 1 < layers.Count && layers[i + 1] is BatchNormSpec bn)
                {
                    bool relu = i + 2 < layers.Count && layers[i + 2] is ReluSpec;
                    var fused = pass.Fuse((Conv2d)model.Module(layer.Name), (BatchNorm2d)model.Module(bn.Name), relu);
                    pass._steps.Add(fused);
                    i += relu ? 2 : 1;
                }
                else if (layer is BasicBlockSpec block) pass._steps.Add(pass.Block((BasicBlock)model.Module(block.Name)));
                else
                {
                    var module = model.Module(layer.Name);
                    pass._steps.Add(module.Call);
                }
            }
            return pass;
        }
        catch
        {
            pass.Dispose();
            throw;
        }
    }

    /// <summary>x [N,C,H,W] → logits, as <see cref="Model.Forward"/> computes them up to rounding.</summary>
    public Tensor Forward(Tensor x)
    {
        foreach (var step in _steps) x = step(x);
        return x;
    }

    /// <summary>One step: conv(x, W) + B then ReLU when asked, W and B folded from the conv and its batch norm.</summary>
    private Func<Tensor, Tensor> Fuse(Conv2d conv, BatchNorm2d bn, bool relu)
    {
        var backend = Model.Backend;
        Tensor w, b;
        using (DisposeScope.Suspend()) (w, b) = backend.FoldBatchNorm(conv.Weight, conv.Bias, bn.Weight, bn.Bias, bn.RunningMean, bn.RunningVar, bn.Eps);
        _folded.Add(w);
        _folded.Add(b);
        return x =>
        {
            using var scope = LayerScope.Enter(conv.Path);
            var g = new Conv2dGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), w.Dim(0), w.Dim(2), conv.Stride, conv.Padding);
            return backend.Conv2dBiasReluForward(x, w, b, g, relu);
        };
    }

    /// <summary>A residual block: relu(conv2·bn2(relu(conv1·bn1(x))) + shortcut(x)), each conv with its batch norm folded.</summary>
    private Func<Tensor, Tensor> Block(BasicBlock block)
    {
        var first = Fuse(block.Conv1, block.Bn1, relu: true);
        var second = Fuse(block.Conv2, block.Bn2, relu: false);
        var shortcut = block.Shortcut is { } s ? Fuse((Conv2d)s.Children().ElementAt(0), (BatchNorm2d)s.Children().ElementAt(1), relu: false) : null;
        var backend = Model.Backend;
        return x =>
        {
            using var scope = LayerScope.Enter(block.Path);
            var y = second(first(x));
            var skip = shortcut is null ? x : shortcut(x);
            return backend.ReluForward(backend.Add(y, skip));
        };
    }

    public void Dispose()
    {
        foreach (var t in _folded) t.Dispose();
        _folded.Clear();
    }
}
