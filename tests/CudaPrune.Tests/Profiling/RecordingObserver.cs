using CudaPrune.Core.Profiling;

namespace CudaPrune.Tests.Profiling;

/// <summary>An op observer that records every op with the layer that was running, and checks that Begin and End alternate.</summary>
internal sealed class RecordingObserver : IOpObserver
{
    private bool _open;

    public List<(string Layer, string Kernel, double Flops, double Bytes)> Ops { get; } = [];

    public void Begin(string kernel, double flops, double bytes)
    {
        if (_open) throw new InvalidOperationException($"Begin({kernel}) inside another op");
        _open = true;
        Ops.Add((LayerScope.Current, kernel, flops, bytes));
    }

    public void End()
    {
        if (!_open) throw new InvalidOperationException("End without Begin");
        _open = false;
    }
}
