using CudaPrune.Core.Profiling;

namespace CudaPrune.Core.Backends.Cpu;

// Profiling: every public op opens one observed region, named as the CUDA kernel of the same op is
// (without its version suffix), with the op's useful FLOPs and its minimal memory traffic in bytes.
public sealed partial class CpuBackend
{
    private int _observedDepth;

    /// <summary>When set, sees every op with its FLOPs and bytes (a stopwatch profiler times them).</summary>
    public IOpObserver? Observer { get; set; }

    /// <summary>
    /// Reports <paramref name="op"/> to <see cref="Observer"/> until the handle is disposed. An op that runs
    /// another public op inside it is reported once, as itself: the inner op is part of its work.
    /// </summary>
    private ObservedOp Observe(string op, double flops, double bytes)
    {
        var observer = Observer;
        if (observer is null) return default;
        if (_observedDepth++ > 0) return new ObservedOp(this, null);
        observer.Begin(new OpInfo(op, flops, bytes));
        return new ObservedOp(this, observer);
    }

    /// <summary>Ends an observed op; the default value (no observer) does nothing.</summary>
    private readonly struct ObservedOp(CpuBackend? owner, IOpObserver? observer) : IDisposable
    {
        public void Dispose()
        {
            if (owner is null) return;
            owner._observedDepth--;
            observer?.End();
        }
    }
}
