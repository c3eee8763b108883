using CudaPrune.Profiling.Timing;

namespace CudaPrune.Profiling.Latency;

/// <summary>Folds the launches of each measured run into one sample per (layer, kernel): the time of all its calls in that run.</summary>
internal sealed class KernelAggregator
{
    private readonly Dictionary<(string Layer, string Kernel), Entry> _entries = [];
    private readonly List<Entry> _order = [];
    private readonly List<double> _sums = [];
    private readonly List<SpinCheck> _queueing = [];

    private sealed class Entry(string layer, string kernel)
    {
        public string Layer { get; } = layer;
        public string Kernel { get; } = kernel;
        public int Calls { get; set; }
        public double Flops { get; set; }
        public double Bytes { get; set; }
        public List<double> Samples { get; } = [];
    }

    public int Runs => _sums.Count;

    /// <summary>How the runs were queued (behind a spin, and whether it held), over every run added.</summary>
    public SpinSummary Queueing => SpinSummary.Of(_queueing);

    /// <summary>Adds one measured run and how it was queued.</summary>
    public void Add(IReadOnlyList<LaunchTiming> run, SpinCheck queueing)
    {
        _queueing.Add(queueing);
        var perRun = new Dictionary<Entry, (int Calls, double Flops, double Bytes, double Us)>();
        double sum = 0;
        foreach (var t in run)
        {
            if (!_entries.TryGetValue((t.Layer, t.Kernel), out var e))
            {
                _entries[(t.Layer, t.Kernel)] = e = new Entry(t.Layer, t.Kernel);
                _order.Add(e);
            }
            var (calls, flops, bytes, us) = perRun.GetValueOrDefault(e);
            perRun[e] = (calls + 1, flops + t.Flops, bytes + t.Bytes, us + t.Microseconds);
            sum += t.Microseconds;
        }
        foreach (var e in _order)
        {
            var (calls, flops, bytes, us) = perRun.GetValueOrDefault(e);
            e.Calls = Math.Max(e.Calls, calls);
            e.Flops = Math.Max(e.Flops, flops);
            e.Bytes = Math.Max(e.Bytes, bytes);
            e.Samples.Add(us); // a pair missing from a run (it never is, for a fixed model) counts as no time
        }
        _sums.Add(sum);
    }

    /// <summary>One row per (layer, kernel), in the order they first ran.</summary>
    public IReadOnlyList<KernelProfileRow> Rows(DevicePeaks peaks) =>
        _order.Select(e => new KernelProfileRow(e.Layer, e.Kernel, e.Calls, SampleStats.Of(PadTo(e.Samples, Runs)), e.Flops, e.Bytes, peaks)).ToList();

    /// <summary>Per run, the total of every kernel's time.</summary>
    public SampleStats Sum() => SampleStats.Of(_sums);

    // A pair first seen in a later run has no samples for the runs before it.
    private static List<double> PadTo(List<double> samples, int runs) =>
        samples.Count >= runs ? samples : [.. Enumerable.Repeat(0.0, runs - samples.Count), .. samples];
}
