using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Pruning.Graph;
using CudaPrune.Core;

namespace CudaPrune.Pruning.Criteria;

/// <summary>
/// One score per channel of each group (higher = more important), by a <see cref="ChannelCriterion"/>.
/// </summary>
/// <remarks>
/// A group can hold several scored members (the convs writing into a residual sum, their batch norms).
/// For L1, L2 and batch-norm scale, each member's scores are divided by that member's mean score, then
/// averaged over the members: every member counts the same, whatever its fan-in (the stem conv's filters
/// have 27 weights, a stage's conv2 filters 144 to 576). Taylor adds the signed Σ a·g of all the
/// group's gates before taking the absolute value: removing a channel removes it from all of them at
/// once, and the first-order change of the loss is the sum. Scores are read on the host: they are a
/// few numbers per channel and only decide which indices the device gathers.
/// </remarks>
public static class ChannelScores
{
    /// <summary>Scores of every group in <paramref name="groups"/>, indexed by group id (null for the others).</summary>
    public static double[]?[] Compute(Model model, DependencyGraph graph, ChannelCriterion criterion,
        IReadOnlyCollection<ChannelGroup> groups, CalibrationSet? calibration, long seed)
    {
        if (criterion == ChannelCriterion.Taylor)
        {
            if (calibration is null) throw new ArgumentException("the taylor criterion needs calibration batches (training images)");
            return Taylor(model, graph, groups, calibration);
        }
        var scores = new double[]?[graph.Groups.Count];
        var state = model.StateDict();
        foreach (var g in groups)
        {
            scores[g.Id] = criterion switch
            {
                ChannelCriterion.L1 => MeanOfNormalised(g.Filters.Select(n => FilterNorms(state[$"{n.Layer}.weight"], squared: false))),
                ChannelCriterion.L2 => MeanOfNormalised(g.Filters.Select(n => FilterNorms(state[$"{n.Layer}.weight"], squared: true))),
                ChannelCriterion.BatchNorm => BatchNormScales(g, state, graph.Spec.Name),
                _ => RandomScores(g, seed),
            };
        }
        return scores;
    }

    /// <summary>Per output channel (row of the weight), Σ|w|, or √Σw² with <paramref name="squared"/>.</summary>
    internal static double[] FilterNorms(Tensor weight, bool squared)
    {
        int rows = weight.Dim(0);
        int length = checked((int)(weight.Count / rows));
        var w = weight.ToArray();
        var norms = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int i = r * length; i < (r + 1) * length; i++) s += squared ? (double)w[i] * w[i] : Math.Abs(w[i]);
            norms[r] = squared ? Math.Sqrt(s) : s;
        }
        return norms;
    }

    private static double[] BatchNormScales(ChannelGroup g, IReadOnlyDictionary<string, Tensor> state, string model)
    {
        var norms = g.BatchNorms.ToList();
        if (norms.Count == 0)
            throw new ArgumentException($"the bn criterion needs batch norms, but group '{g.Name}' of model '{model}' has none: use l1, l2, taylor or random");
        return MeanOfNormalised(norms.Select(n => state[$"{n.Layer}.weight"].ToArray().Select(v => (double)Math.Abs(v)).ToArray()));
    }

    private static double[] RandomScores(ChannelGroup g, long seed)
    {
        var rng = SeededRandom.ForName(seed, $"prune.channel.{g.Name}");
        return Enumerable.Range(0, g.Channels).Select(_ => rng.NextDouble()).ToArray();
    }

    private static double[]?[] Taylor(Model model, DependencyGraph graph, IReadOnlyCollection<ChannelGroup> groups, CalibrationSet calibration)
    {
        var scores = new double[]?[graph.Groups.Count];
        foreach (var g in groups) scores[g.Id] = new double[g.Channels];
        var gates = groups.SelectMany(g => g.Gates).Select(n => n.Layer).Distinct().ToList();
        TaylorExpansion.Run(model, calibration, gates, perGate =>
        {
            foreach (var g in groups)
            {
                var sum = new double[g.Channels];
                foreach (var gate in g.Gates)
                {
                    var v = perGate[gate.Layer];
                    for (int c = 0; c < sum.Length; c++) sum[c] += v[c];
                }
                var acc = scores[g.Id]!;
                for (int c = 0; c < acc.Length; c++) acc[c] += Math.Abs(sum[c]);
            }
        });
        return scores;
    }

    /// <summary>Each vector divided by its mean (when positive), then the element-wise mean of the vectors.</summary>
    internal static double[] MeanOfNormalised(IEnumerable<double[]> members)
    {
        var list = members.ToList();
        if (list.Count == 0) throw new InvalidOperationException("a group without scored members");
        var result = new double[list[0].Length];
        foreach (var v in list)
        {
            double mean = v.Average();
            double scale = mean > 0 ? 1.0 / mean : 1.0;
            for (int i = 0; i < result.Length; i++) result[i] += v[i] * scale / list.Count;
        }
        return result;
    }
}
