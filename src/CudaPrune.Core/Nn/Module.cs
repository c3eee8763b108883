using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>
/// A layer or a container of layers: named child modules, named parameters and buffers (with the
/// dotted names PyTorch's state_dict would use), a train/eval switch, and a forward pass.
/// </summary>
/// <remarks>
/// Parameters and buffers must be long-lived tensors: create them inside <see cref="DisposeScope.Suspend"/>.
/// A module owns its tensors and children; <see cref="Dispose"/> frees them (and the gradients).
/// Forward runs through <see cref="Call"/>, which tells profilers which layer is running
/// (<see cref="LayerScope"/>).
/// </remarks>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> _buffers = [];

    /// <summary>The name under the parent ("conv1", "0"); "" for a root.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The full dotted path from the root ("layer1.0.conv1"); "" for a root.</summary>
    public string Path { get; private set; } = "";

    public Module? Parent { get; private set; }

    public bool IsTraining { get; private set; } = true;

    public bool IsDisposed { get; private set; }

    /// <summary>Runs <see cref="Forward"/> inside <see cref="LayerScope"/> of this module's path.</summary>
    public Tensor Call(Tensor x)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using var _ = LayerScope.Enter(Path);
        return Forward(x);
    }

    /// <summary>The layer's computation; callers go through <see cref="Call"/>.</summary>
    protected abstract Tensor Forward(Tensor x);

    // ---------------------------------------------------------------- registration

    /// <summary>Adds a child module under <paramref name="name"/>; this module now owns it.</summary>
    protected T AddModule<T>(string name, T child) where T : Module
    {
        CheckNewName(name);
        if (child.Parent is not null) throw new ArgumentException($"module '{child.Path}' already belongs to a parent");
        child.Parent = this;
        child.Name = name;
        _children.Add(new(name, child));
        child.Rename(Join(Path, name));
        child.SetTraining(IsTraining);
        return child;
    }

    /// <summary>Adds a trainable tensor (RequiresGrad is set); this module now owns it.</summary>
    protected Tensor AddParameter(string name, Tensor t)
    {
        CheckNewName(name);
        t.RequiresGrad = true;
        t.Name = Join(Path, name);
        _parameters.Add(new(name, t));
        return t;
    }

    /// <summary>Adds a non-trainable state tensor (batch-norm running statistics); this module now owns it.</summary>
    protected Tensor AddBuffer(string name, Tensor t)
    {
        CheckNewName(name);
        t.Name = Join(Path, name);
        _buffers.Add(new(name, t));
        return t;
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid member name '{name}' in module '{Path}': names are non-empty and hold no dot");
        if (_children.Any(c => c.Key == name) || _parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Key == name))
            throw new ArgumentException($"module '{Path}' already has a member named '{name}'");
    }

    private void Rename(string path)
    {
        Path = path;
        foreach (var (name, t) in _parameters) t.Name = Join(path, name);
        foreach (var (name, t) in _buffers) t.Name = Join(path, name);
        foreach (var (name, c) in _children) c.Rename(Join(path, name));
    }

    private static string Join(string prefix, string name) =>
        prefix.Length == 0 ? name : name.Length == 0 ? prefix : prefix + "." + name;

    // ---------------------------------------------------------------- traversal

    public IEnumerable<Module> Children() => _children.Select(c => c.Value);

    /// <summary>This module and every descendant, depth first, with paths relative to this module ("" for itself).</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules()
    {
        yield return new("", this);
        foreach (var (name, child) in _children)
            foreach (var (sub, m) in child.NamedModules())
                yield return new(Join(name, sub), m);
    }

    /// <summary>The descendant at a relative dotted path ("layer1.0.conv1"), or null.</summary>
    public Module? Find(string path)
    {
        var m = this;
        if (path.Length == 0) return m;
        foreach (var part in path.Split('.'))
        {
            m = m._children.FirstOrDefault(c => c.Key == part).Value;
            if (m is null) return null;
        }
        return m;
    }

    /// <summary>Parameters in PyTorch's order: a module's own, then its children's, depth first.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters() => Named(m => m._parameters);

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers() => Named(m => m._buffers);

    /// <summary>
    /// Every parameter and buffer by dotted name, in PyTorch's state_dict order (per module: parameters,
    /// then buffers, then children). The tensors are the live ones, not copies.
    /// BatchNorm's num_batches_tracked is not kept (PyTorch fills it in when it loads such a dict).
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (name, t) in Named(m => m._parameters.Concat(m._buffers))) dict.Add(name, t);
        return dict;
    }

    private IEnumerable<KeyValuePair<string, Tensor>> Named(Func<Module, IEnumerable<KeyValuePair<string, Tensor>>> own)
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (name, t) in own(m))
                yield return new(Join(prefix, name), t);
    }

    // ---------------------------------------------------------------- modes and gradients

    /// <summary>Training mode (batch statistics in batch norm) for this module and its descendants.</summary>
    public void Train() => SetTraining(true);

    /// <summary>Inference mode (running statistics in batch norm) for this module and its descendants.</summary>
    public void Eval() => SetTraining(false);

    private void SetTraining(bool on)
    {
        IsTraining = on;
        foreach (var c in _children) c.Value.SetTraining(on);
    }

    /// <summary>Sets the gradient of every parameter to zero (those not yet created stay absent).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
            if (p.Grad is { } g) g.Backend.Fill(g, 0f);
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        foreach (var (_, t) in _parameters)
        {
            t.Grad?.Dispose();
            t.Dispose();
        }
        foreach (var (_, t) in _buffers) t.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => $"{GetType().Name}({(Path.Length == 0 ? "root" : Path)})";
}
