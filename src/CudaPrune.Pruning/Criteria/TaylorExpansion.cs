using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Pruning.Criteria;

/// <summary>
/// First-order Taylor terms Σ activation · gradient per output channel of "gate" layers (batch norms, or
/// convs/linears with no batch norm after them), one vector per calibration batch.
/// </summary>
/// <remarks>
/// A gate's output is affine in its own parameters per channel c: a = γ_c·x̂ + β_c for a batch norm,
/// a = Σ_k w_ck·x_k + b_c for a conv. So the sum over the batch and positions of a·∂L/∂a equals
/// Σ_θ θ·∂L/∂θ over the channel's parameters (γ_c·∂L/∂γ_c + β_c·∂L/∂β_c, or the filter's w·∂L/∂w + b·∂L/∂b):
/// the activation × gradient product of Molchanov et al. comes from the ordinary parameter gradients,
/// with no hook on intermediate activations. Batch norms run in training mode (eval mode is not
/// differentiable here); their running statistics are saved before and restored after, so scoring
/// leaves the model as it was.
/// </remarks>
internal static class TaylorExpansion
{
    /// <summary>Calls <paramref name="onBatch"/> once per batch with the signed Σ a·g per channel of each gate layer.</summary>
    public static void Run(Model model, CalibrationSet calibration, IReadOnlyCollection<string> gateLayers,
        Action<IReadOnlyDictionary<string, double[]>> onBatch)
    {
        var state = model.StateDict();
        var parameters = model.NamedParameters().Select(kv => kv.Value).ToList();
        var hadGrad = parameters.Where(p => p.Grad is not null).ToHashSet(ReferenceEqualityComparer.Instance);
        var saved = SaveBuffers(model);
        bool wasTraining = model.IsTraining;
        model.Train();
        try
        {
            foreach (var batch in calibration.Batches)
            {
                model.ZeroGrad();
                using (DisposeScope.Begin())
                {
                    var logits = model.Forward(CalibrationSet.InputsOf(model, batch));
                    Ops.CrossEntropy(logits, CalibrationSet.LabelsOf(model, batch)).Backward();
                }
                onBatch(gateLayers.ToDictionary(g => g, g => PerChannel(state, g)));
            }
        }
        finally
        {
            if (!wasTraining) model.Eval();
            RestoreBuffers(model, saved);
            foreach (var p in parameters)
            {
                if (hadGrad.Contains(p)) p.Backend.Fill(p.Grad!, 0f);
                else { p.Grad?.Dispose(); p.Grad = null; }
            }
        }
    }

    /// <summary>Σ θ·∂L/∂θ over each output channel's weight row and bias of <paramref name="layer"/>.</summary>
    private static double[] PerChannel(IReadOnlyDictionary<string, Tensor> state, string layer)
    {
        var weight = state[$"{layer}.weight"];
        var sums = RowDots(weight);
        if (state.TryGetValue($"{layer}.bias", out var bias))
        {
            var b = RowDots(bias);
            for (int c = 0; c < sums.Length; c++) sums[c] += b[c];
        }
        return sums;
    }

    private static double[] RowDots(Tensor t)
    {
        int rows = t.Dim(0);
        int length = checked((int)(t.Count / rows));
        var w = t.ToArray();
        var g = t.Grad?.ToArray() ?? new float[w.Length];
        var sums = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int i = r * length; i < (r + 1) * length; i++) s += (double)w[i] * g[i];
            sums[r] = s;
        }
        return sums;
    }

    private static List<(Tensor Live, Tensor Copy)> SaveBuffers(Model model)
    {
        var saved = new List<(Tensor, Tensor)>();
        using var _ = DisposeScope.Suspend();
        foreach (var (_, t) in model.NamedBuffers())
        {
            var copy = t.Backend.Empty(t.Shape, t.DType);
            t.Backend.Copy(t, copy);
            saved.Add((t, copy));
        }
        return saved;
    }

    private static void RestoreBuffers(Model model, List<(Tensor Live, Tensor Copy)> saved)
    {
        foreach (var (live, copy) in saved)
        {
            model.Backend.Copy(copy, live);
            copy.Dispose();
        }
    }
}
