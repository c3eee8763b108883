namespace CudaPrune.Core.Profiling;

/// <summary>Puts two op observers on one backend (its <c>Observer</c> holds one), e.g. a profiler's timer beside the debug launch log.</summary>
public static class OpObservers
{
    /// <summary>
    /// An observer that calls <paramref name="outer"/> then <paramref name="inner"/> at Begin and the reverse
    /// at End, so <paramref name="inner"/> (a timer) brackets the op alone, not <paramref name="outer"/>'s work.
    /// Either may be null: then the other is returned as it is.
    /// </summary>
    public static IOpObserver? Combine(IOpObserver? outer, IOpObserver? inner) =>
        outer is null ? inner : inner is null ? outer : new Pair(outer, inner);

    private sealed class Pair(IOpObserver outer, IOpObserver inner) : IOpObserver
    {
        public void Begin(in OpInfo op)
        {
            outer.Begin(op);
            inner.Begin(op);
        }

        public void End()
        {
            inner.End();
            outer.End();
        }
    }
}
