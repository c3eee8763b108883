using CudaPrune.Core.Profiling;

namespace CudaPrune.Tests.Profiling;

/// <summary>An op observer that records every op with the layer that was running, and checks that Begin and End alternate.</summary>
internal sealed class RecordingObserver : IOpObserver
{
    private bool _open;

    public List<(string Layer, string Kernel, double Flops, double Bytes)> Ops { get; } = [];

    public void Begin(in OpInfo op)
    {
        if (_open) throw new InvalidOperationException($"Begin({op.Name}) inside another op");
        _open = true;
        Ops.Add((LayerScope.Current, op.Name, op.Flops, op.Bytes));
    }

    public void End()
    {
        if (!_open) throw new InvalidOperationException("End without Begin");
        _open = false;
    }
}
