using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Tensors;

/// <summary>
/// A dense, contiguous, row-major tensor (NCHW for images) on one backend, with the autograd fields
/// of a micrograd value: <see cref="Grad"/>, and the <see cref="Node"/> that made it.
/// </summary>
/// <remarks>
/// Tensors own their storage unless they are views (<see cref="Reshape"/>), which share it.
/// Device memory is invisible to the GC: dispose tensors, or create them inside a
/// <see cref="DisposeScope"/>. Tensors are not thread-safe.
/// </remarks>
public sealed class Tensor : IDisposable
{
    private readonly bool _ownsStorage;

    public Tensor(IBackend backend, Storage storage, int[] shape, DType dtype, bool ownsStorage = true)
    {
        long count = Shapes.Count(shape);
        if (storage.Bytes < count * dtype.SizeInBytes())
            throw new ArgumentException($"storage of {storage.Bytes} bytes is too small for {Shapes.Format(shape)} {dtype}");
        Backend = backend;
        Storage = storage;
        Shape = shape;
        DType = dtype;
        Count = count;
        _ownsStorage = ownsStorage;
        DisposeScope.Current?.Register(this);
    }

    public IBackend Backend { get; }
    public Storage Storage { get; }
    public int[] Shape { get; }
    public DType DType { get; }

    /// <summary>Number of elements.</summary>
    public long Count { get; }

    public int Rank => Shape.Length;
    public int Dim(int i) => Shape[i < 0 ? Shape.Length + i : i];
    public bool IsDisposed { get; private set; }

    /// <summary>An optional name (the parameter's state-dict name), for error messages and profiles.</summary>
    public string? Name { get; set; }

    // ---- autograd ----

    /// <summary>True for leaves whose gradient we want (parameters), and for every result computed from one while grad is enabled.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The gradient, same shape and backend; allocated as zeros on first accumulation.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor; null for leaves and for results computed without grad.</summary>
    public AutogradNode? Node { get; internal set; }

    /// <summary>Keep <see cref="Grad"/> on this non-leaf tensor after <see cref="Backward"/> (for Taylor criteria).</summary>
    public bool RetainsGrad { get; set; }

    /// <summary>Runs reverse-mode autodiff from this scalar (or from <paramref name="seed"/>, same shape).</summary>
    public void Backward(Tensor? seed = null) => AutogradEngine.Backward(this, seed);

    /// <summary>The zero-initialised gradient buffer, created on first use.</summary>
    public Tensor GradOrCreate()
    {
        if (Grad is null)
        {
            using var _ = DisposeScope.Suspend(); // gradients outlive the step that created them
            Grad = Backend.Zeros(Shape, DType);
        }
        return Grad;
    }

    // ---- access ----

    /// <summary>Device address of the data; throws on a CPU tensor.</summary>
    public DevicePtr Ptr => Storage is DeviceStorage d ? d.Ptr
        : throw new InvalidOperationException($"tensor {Describe()} is on the CPU, not on a device");

    /// <summary>The host array of a CPU tensor; throws on a device tensor.</summary>
    public Span<T> Span<T>() where T : unmanaged => Storage is CpuStorage c
        ? (c.Data is T[] a ? a.AsSpan(0, checked((int)Count)) : throw new InvalidOperationException($"tensor {Describe()} holds {DType}, not {typeof(T).Name}"))
        : throw new InvalidOperationException($"tensor {Describe()} is on {Backend.Name}, not on the CPU");

    /// <summary>A copy of the data on the host.</summary>
    public float[] ToArray() => Backend.ToFloatArray(this);

    /// <summary>A copy of int32 data on the host.</summary>
    public int[] ToIntArray() => Backend.ToIntArray(this);

    /// <summary>A view with another shape of the same element count, sharing storage (no copy). Carries grad through autograd when needed.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    /// <summary>A view sharing storage without autograd bookkeeping.</summary>
    internal Tensor View(int[] shape)
    {
        var resolved = Shapes.Resolve(shape, Count);
        return new Tensor(Backend, Storage, resolved, DType, ownsStorage: false);
    }

    /// <summary>A short description: name, shape, dtype.</summary>
    public string Describe() => $"{Name ?? "tensor"}{Shapes.Format(Shape)} {DType}";

    public override string ToString() => $"Tensor{Shapes.Format(Shape)} {DType} on {Backend.Name}";

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (_ownsStorage) Storage.Dispose();
        Node = null;
    }
}
