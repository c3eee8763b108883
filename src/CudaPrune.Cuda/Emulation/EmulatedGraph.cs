using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>A step of a captured graph.</summary>
internal abstract record GraphNode;

/// <summary>A launch (in the library of its module variant), with copies of its argument values taken at capture time (as cuStreamBeginCapture does).</summary>
internal sealed record LaunchNode(EmulatorLibrary Library, EmulatedKernelInfo Kernel, Dim3 Grid, Dim3 Block, int DynamicSharedBytes, byte[] Args, int[] Offsets) : GraphNode;

internal sealed record MemsetNode(DevicePtr Dst, uint Value, long Count32) : GraphNode;

internal sealed record CopyNode(DevicePtr Dst, DevicePtr Src, long Bytes) : GraphNode;

internal sealed record RecordNode(EmulatedEvent Event) : GraphNode;

/// <summary>What <see cref="EmulatedGpu.EndCapture"/> returns: the captured steps, replayed in order by <see cref="EmulatedGpu.LaunchGraph"/>.</summary>
internal sealed class EmulatedGraph(EmulatedGpu owner, IReadOnlyList<GraphNode> nodes) : GpuGraph
{
    public EmulatedGpu Owner { get; } = owner;
    public IReadOnlyList<GraphNode> Nodes { get; } = nodes;
    public bool IsDisposed { get; private set; }

    public override void Dispose() => IsDisposed = true;
}

/// <summary>An event: the host time at which the work before it had finished (all emulated work is synchronous).</summary>
internal sealed class EmulatedEvent : GpuEvent
{
    /// <summary>Stopwatch ticks when it was last recorded; null before.</summary>
    public long? Timestamp { get; set; }

    public override void Dispose() { }
}
