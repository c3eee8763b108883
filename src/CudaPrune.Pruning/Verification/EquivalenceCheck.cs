using System.Globalization;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Core;

namespace CudaPrune.Pruning.Verification;

/// <summary>How far a pruned model's logits are from the masked original's, on one batch.</summary>
public sealed record EquivalenceResult(double MaxAbsDifference, double MaxAbsLogit, int Images)
{
    /// <summary>The largest difference relative to the largest logit of the masked original.</summary>
    public double Relative => MaxAbsDifference / Math.Max(MaxAbsLogit, 1e-30);

    public bool Passed => Relative <= EquivalenceCheck.Tolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"max |Δlogit| {MaxAbsDifference:G3} over {Images} images (largest logit {MaxAbsLogit:G3}, relative {Relative:G3}, tolerance {EquivalenceCheck.Tolerance:G1}): {(Passed ? "PASSED" : "FAILED")}");
}

/// <summary>
/// The proof that compaction is right: the compacted model's logits equal those of the ORIGINAL model
/// with the removed channels' (or blocks' residual branches') outputs zeroed by a <see cref="ZeroMask"/>,
/// batch norm in eval mode, to <see cref="Tolerance"/> relative.
/// </summary>
public static class EquivalenceCheck
{
    public const double Tolerance = 1e-5;

    /// <summary>
    /// Applies <paramref name="mask"/> to <paramref name="original"/> (its weights are changed for good:
    /// use a model you are done with) and compares both models' eval-mode logits on <paramref name="images"/>.
    /// </summary>
    public static EquivalenceResult Run(Model original, ZeroMask mask, Model pruned, float[] images, int count)
    {
        mask.Apply(original);
        var expected = Logits(original, images, count);
        var actual = Logits(pruned, images, count);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)expected[i] - actual[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return new EquivalenceResult(maxDiff, maxRef, count);
    }

    /// <summary>Seeded standard-normal images for the model's input shape, [count, C, H, W] flattened.</summary>
    public static float[] RandomImages(ModelSpec spec, int count, long seed)
    {
        var rng = SeededRandom.ForName(seed, "prune.check.images");
        var images = new float[count * spec.InputShape.Count];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextNormal();
        return images;
    }

    private static float[] Logits(Model model, float[] images, int count)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            using var scope = DisposeScope.Begin();
            var x = model.Backend.FromArray(images, model.Spec.InputShape.WithBatch(count));
            return model.Forward(x).ToArray();
        }
        finally
        {
            if (wasTraining) model.Train();
        }
    }
}
