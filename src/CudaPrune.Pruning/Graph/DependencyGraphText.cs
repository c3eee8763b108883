using System.Text;

namespace CudaPrune.Pruning.Graph;

/// <summary>The text of <c>prune --show-groups</c>: a paragraph per group.</summary>
internal static class DependencyGraphText
{
    public static string Format(DependencyGraph graph)
    {
        var sb = new StringBuilder();
        int prunable = graph.PrunableGroups.Count();
        sb.AppendLine($"{graph.Spec.Name}: {graph.Groups.Count} channel groups, {prunable} prunable ({graph.PrunableGroups.Sum(g => g.Channels)} channels)");
        foreach (var g in graph.Groups)
        {
            string kind = !g.IsPrunable ? "fixed" : g.IsResidual ? "residual" : "plain";
            sb.AppendLine($"  #{g.Id,-3} {g.Name,-24} {g.Channels,5} channels  {kind}");
            Line(sb, "writes", g.Filters);
            Line(sb, "norms", g.BatchNorms);
            Line(sb, "reads", g.Readers);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string label, IEnumerable<ChannelNode> nodes)
    {
        var names = nodes.Select(n => n.ToString()).ToList();
        if (names.Count > 0) sb.AppendLine($"         {label,-6} {string.Join(", ", names)}");
    }
}
