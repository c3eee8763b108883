using System.Globalization;
using System.Text;
using CudaPrune.Profiling.Planning;

namespace CudaPrune.Profiling.Reports;

/// <summary>The console report of a launch plan: a header, then per batch size the totals and a table of conv launches.</summary>
public static class PlanText
{
    /// <param name="versionNote">Why this kernel version was planned (e.g. that it is the GPU's default), said by the caller.</param>
    public static string Header(ModelLaunchPlan p, string versionNote) =>
        $"{p.Model}{(p.Checkpoint is null ? " (zoo model, unpruned)" : $" from {p.Checkpoint}")}\n" +
        $"planned for {p.Device.Name} ({p.Device.Multiprocessors} SMs); conv kernel version {p.Version}: {versionNote}\n" +
        $"op {ModelLaunchPlan.Op}: the inference forward (a folded conv + BN + ReLU runs the same GEMM)\n" +
        "numbers are the launch planner's model, not measurements: tile padding is counted exactly, time estimates are the cost model's\n";

    public static string Batch(BatchLaunchPlan b, int multiprocessors)
    {
        var sb = new StringBuilder();
        int underfilled = b.Underfilled.Count;
        sb.Append($"batch {b.Batch}: {b.Launches.Count} conv launches, {Units.Count(2 * b.UsefulMacs)}FLOP, useful MAC fraction {Units.Number(b.UsefulMacFraction, "F3")}; ")
          .Append($"{underfilled} launch{(underfilled == 1 ? "" : "es")} over {Units.Count(BatchLaunchPlan.SignificantFlops)}FLOP with fewer than {multiprocessors} blocks\n");
        sb.Append(Table(b.Launches).Render("  "));
        return sb.ToString();
    }

    /// <summary>One row per conv launch, in forward order.</summary>
    public static TextTable Table(IReadOnlyList<ConvLaunchRow> rows)
    {
        var table = new TextTable("layer", "batch", "kernel", "tile", "split_k", "blocks", "blocks_per_sm", "flops", "useful_mac_fraction", "est. µs");
        table.LeftAligned.Add("kernel");
        foreach (var r in rows)
            table.Add(r.Layer, Int(r.Batch), r.Kernel, r.Tile, Int(r.SplitK), Int(r.Blocks), Units.Number(r.BlocksPerSm, "F2"),
                Units.Count(r.Flops), Units.Number(r.UsefulMacFraction, "F3"), Units.Micros(r.EstimatedUs));
        return table;
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
