namespace CudaPrune.Core.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is open and disposes them when it closes,
/// except those passed to <see cref="Keep"/>. One scope per training step frees all temporaries.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly DisposeScope? _parent;
    private readonly List<Tensor> _tensors = [];
    private readonly bool _suspended;

    private DisposeScope(bool suspended)
    {
        _parent = _current;
        _suspended = suspended;
        _current = this;
    }

    /// <summary>The innermost open scope on this thread, or null (also inside <see cref="Suspend"/>).</summary>
    public static DisposeScope? Current => _current is { _suspended: true } ? null : _current;

    /// <summary>Opens a scope that disposes what is created inside it.</summary>
    public static DisposeScope Begin() => new(suspended: false);

    /// <summary>Opens a region where new tensors belong to no scope (parameters, gradients, state).</summary>
    public static DisposeScope Suspend() => new(suspended: true);

    internal void Register(Tensor t) => _tensors.Add(t);

    /// <summary>Moves <paramref name="t"/> out of this scope (to the parent scope, if any) so it survives.</summary>
    public Tensor Keep(Tensor t)
    {
        if (_tensors.Remove(t) && _parent is { _suspended: false } parent) parent.Register(t);
        return t;
    }

    public void Dispose()
    {
        if (_current != this) throw new InvalidOperationException("dispose scopes must be closed in the order they were opened");
        _current = _parent;
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }
}
