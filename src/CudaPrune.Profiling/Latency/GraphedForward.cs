using System.Runtime.InteropServices;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Latency;

/// <summary>
/// A model's eval-mode forward pass at one batch size, captured once as a CUDA graph and replayed: one
/// launch instead of one per kernel. The input is a fixed device buffer the caller copies into; the
/// output is the fixed tensor the graph writes.
/// </summary>
/// <remarks>
/// A captured graph keeps the device addresses it was captured with. So every block the captured
/// forward used stays reserved for the graph's lifetime: the tensors still alive after the capture
/// (input, output) are owned here, and the blocks of those freed during it (activations, pooling
/// indices) are parked by the allocator's <see cref="CachingAllocator.Hold"/> instead of being handed
/// out again. Disposing the graph gives them all back.
/// </remarks>
public sealed class GraphedForward : IDisposable
{
    private readonly CudaBackend _backend;
    private readonly GpuGraph _graph;
    private readonly CachingAllocator.BlockHold _hold;
    private bool _disposed;

    private GraphedForward(CudaBackend backend, GpuGraph graph, Tensor input, Tensor output, CachingAllocator.BlockHold hold)
    {
        _backend = backend;
        _graph = graph;
        Input = input;
        Output = output;
        _hold = hold;
    }

    /// <summary>The fixed input buffer [batch, C, H, W]; copy each batch into it before <see cref="Replay"/>.</summary>
    public Tensor Input { get; }

    /// <summary>The logits [batch, classes] the graph writes.</summary>
    public Tensor Output { get; }

    /// <summary>Bytes of the blocks freed during the capture and parked for the graph.</summary>
    public long ParkedBytes => _hold.ParkedBytes;

    /// <summary>
    /// Captures <paramref name="model"/>'s forward pass (eval mode, no grad) at <paramref name="batch"/>,
    /// after one eager pass so that every kernel is compiled and loaded (module loads cannot be captured).
    /// </summary>
    /// <param name="forward">The pass to capture; default <see cref="Model.Forward"/> (a <see cref="FoldedForward"/>'s, say).</param>
    public static GraphedForward Capture(Model model, int batch, Func<Tensor, Tensor>? forward = null)
    {
        forward ??= model.Forward;
        if (model.Backend is not CudaBackend backend)
            throw new ArgumentException($"CUDA graphs need the CUDA backend; model '{model.Spec.Name}' is on {model.Backend.Name}");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch must be at least 1");
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        Tensor input;
        using (DisposeScope.Suspend()) input = backend.Zeros(model.Spec.InputShape.WithBatch(batch));
        try
        {
            using (DisposeScope.Begin()) forward(input);
            backend.Synchronize();
            var hold = backend.Allocator.Hold();
            try
            {
                var (graph, output) = CaptureForward(forward, backend, input);
                hold.StopCollecting();
                return new GraphedForward(backend, graph, input, output, hold);
            }
            catch
            {
                hold.Dispose();
                throw;
            }
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    private static (GpuGraph Graph, Tensor Output) CaptureForward(Func<Tensor, Tensor> forward, CudaBackend backend, Tensor input)
    {
        Tensor output;
        backend.Gpu.BeginCapture();
        try
        {
            using (DisposeScope.Suspend())
            using (var scope = DisposeScope.Begin())
                output = scope.Keep(forward(input)); // the rest of the pass is freed here: parked by the hold
        }
        catch
        {
            AbandonCapture(backend.Gpu);
            throw;
        }
        try
        {
            return (backend.Gpu.EndCapture(), output);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Ends a capture whose forward pass failed; that failure is the one to report, not this one's.</summary>
    private static void AbandonCapture(IGpu gpu)
    {
        try
        {
            gpu.EndCapture().Dispose();
        }
        catch (Exception e) when (e is InvalidOperationException or Cuda.Native.CudaException)
        {
            // the driver refuses to end an invalidated capture; the stream is reset by the failure itself
        }
    }

    /// <summary>Copies one batch of images (host, [batch, C, H, W] flattened) into <see cref="Input"/>.</summary>
    public void CopyInput(float[] images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (images.Length != Input.Count)
            throw new ArgumentException($"the graph's input holds {Input.Count} values ({Shapes.Format(Input.Shape)}), got {images.Length}");
        _backend.Gpu.CopyToDevice(Input.Ptr, MemoryMarshal.AsBytes(images.AsSpan()));
    }

    /// <summary>Queues one replay: the whole forward pass on <see cref="Input"/>, written to <see cref="Output"/>.</summary>
    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _backend.Gpu.LaunchGraph(_graph);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _backend.Synchronize(); // no replay may still use the blocks given back below
        _graph.Dispose();
        Output.Dispose();
        Input.Dispose();
        _hold.Dispose();
    }
}
