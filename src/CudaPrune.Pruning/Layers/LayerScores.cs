using CudaPrune.Core.Autograd;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Pruning.Compaction;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Core;

namespace CudaPrune.Pruning.Layers;

/// <summary>One score per layer candidate (higher = more important), by a <see cref="LayerCriterion"/>.</summary>
/// <remarks>
/// L1 is the mean |w| of the branch's convs (a mean, not a sum: a stage-3 block has 16 times the weights
/// of a stage-1 block for the same FLOPs). Taylor sums the signed Σ a·g over all channels of the gate
/// (a block's bn2) per batch, then takes |·|: the first-order change of the loss when the branch's output
/// is zeroed. Output-change builds the model without the candidate (rebuilding a layer where one must be)
/// and measures the mean over calibration images of ‖logits − original logits‖₂, in eval mode.
/// </remarks>
public static class LayerScores
{
    public static double[] Compute(Model model, IReadOnlyList<LayerCandidate> candidates, LayerCriterion criterion, CalibrationSet? calibration, long seed)
    {
        if (CriterionNames.NeedsData(criterion) && calibration is null)
            throw new ArgumentException($"the {CriterionNames.Name(criterion)} criterion needs calibration batches (training images)");
        return criterion switch
        {
            LayerCriterion.L1 => L1(model, candidates),
            LayerCriterion.Taylor => Taylor(model, candidates, calibration!),
            LayerCriterion.OutputChange => OutputChange(model, candidates, calibration!, seed),
            _ => candidates.Select(c => SeededRandom.ForName(seed, $"prune.layer.{c.Name}").NextDouble()).ToArray(),
        };
    }

    private static double[] L1(Model model, IReadOnlyList<LayerCandidate> candidates)
    {
        var state = model.StateDict();
        return candidates.Select(c =>
        {
            double sum = 0;
            long count = 0;
            foreach (var conv in c.BranchConvs)
            {
                var w = state[$"{conv}.weight"].ToArray();
                foreach (var v in w) sum += Math.Abs(v);
                count += w.Length;
            }
            return sum / count;
        }).ToArray();
    }

    private static double[] Taylor(Model model, IReadOnlyList<LayerCandidate> candidates, CalibrationSet calibration)
    {
        var scores = new double[candidates.Count];
        TaylorExpansion.Run(model, calibration, candidates.Select(c => c.Gate).Distinct().ToList(), perGate =>
        {
            for (int i = 0; i < candidates.Count; i++) scores[i] += Math.Abs(perGate[candidates[i].Gate].Sum());
        });
        return scores;
    }

    private static double[] OutputChange(Model model, IReadOnlyList<LayerCandidate> candidates, CalibrationSet calibration, long seed)
    {
        var reference = Logits(model, calibration);
        var scores = new double[candidates.Count];
        for (int i = 0; i < candidates.Count; i++)
        {
            var plan = LayerPlan.Create(model.Spec, [candidates[i]]);
            using var without = Compactor.Compact(model, plan.ToCompaction(seed), disposeSource: false);
            var logits = Logits(without, calibration);
            int classes = model.Spec.NumClasses;
            double total = 0;
            for (int n = 0; n < logits.Length / classes; n++)
            {
                double sq = 0;
                for (int k = n * classes; k < (n + 1) * classes; k++) sq += Math.Pow(logits[k] - reference[k], 2);
                total += Math.Sqrt(sq);
            }
            scores[i] = total / (logits.Length / classes);
        }
        return scores;
    }

    /// <summary>Eval-mode logits of every calibration image, concatenated.</summary>
    private static float[] Logits(Model model, CalibrationSet calibration)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var all = new List<float>();
            foreach (var batch in calibration.Batches)
            {
                using var scope = DisposeScope.Begin();
                all.AddRange(model.Forward(CalibrationSet.InputsOf(model, batch)).ToArray());
            }
            return all.ToArray();
        }
        finally
        {
            if (wasTraining) model.Train();
        }
    }
}
