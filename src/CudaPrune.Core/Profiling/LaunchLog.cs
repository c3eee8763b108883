using System.Globalization;

namespace CudaPrune.Core.Profiling;

/// <summary>
/// The <c>CUDAPRUNE_DEBUG=2</c> log (tinygrad's habit): one line per kernel launch — kernel, grid, block,
/// dynamic shared bytes, layer, FLOPs and bytes — or per CPU op (name, layer, FLOPs, bytes), written
/// before the op is queued, so the last line before a failing launch names it.
/// </summary>
public sealed class LaunchLog(TextWriter to) : IOpObserver
{
    /// <summary>Ops logged so far.</summary>
    public long Count { get; private set; }

    public void Begin(in OpInfo op)
    {
        Count++;
        var layer = LayerScope.Current;
        var where = layer.Length > 0 ? layer : "-";
        to.WriteLine(op.IsLaunch
            ? $"launch {op.Name} grid={op.Grid} block={op.Block} smem={op.SharedBytes} layer={where} flops={Si(op.Flops)} bytes={Si(op.Bytes)}"
            : $"op {op.Name} layer={where} flops={Si(op.Flops)} bytes={Si(op.Bytes)}");
    }

    public void End() { }

    // 1234567 -> "1.23M"; 0 (unknown) -> "-".
    private static string Si(double v)
    {
        if (v <= 0) return "-";
        string[] units = ["", "k", "M", "G", "T"];
        int u = 0;
        while (v >= 1000 && u < units.Length - 1) { v /= 1000; u++; }
        return v.ToString(u == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + units[u];
    }
}
