using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>A graph captured from a stream (CUgraph) and its executable instance (CUgraphExec).</summary>
public sealed class CudaGraph : GpuGraph
{
    private readonly CudaDevice _device;
    private nint _graph;

    /// <summary>Takes ownership of <paramref name="graph"/> and instantiates it.</summary>
    internal CudaGraph(CudaDevice device, nint graph)
    {
        _device = device;
        _graph = graph;
        var r = cuGraphInstantiateWithFlags(out nint exec, graph, 0);
        if (r != Native.CuResult.Success)
        {
            cuGraphDestroy(graph);
            throw Error(r, "cuGraphInstantiateWithFlags", "the captured graph could not be instantiated");
        }
        Executable = exec;
    }

    /// <summary>The CUgraphExec.</summary>
    public nint Executable { get; private set; }

    /// <summary>Replays the graph on <paramref name="stream"/>.</summary>
    public void Launch(CudaStream stream)
    {
        ObjectDisposedException.ThrowIf(Executable == 0, this);
        _device.MakeCurrent();
        Check(cuGraphLaunch(Executable, stream.Handle));
    }

    public override void Dispose()
    {
        if (Executable == 0 || !_device.IsOpen) return;
        _device.MakeCurrent();
        Check(cuGraphExecDestroy(Executable));
        Check(cuGraphDestroy(_graph));
        Executable = 0;
        _graph = 0;
    }
}
