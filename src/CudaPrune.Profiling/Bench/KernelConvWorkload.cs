using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// One convolution layer's tensors for its four kernels: forward (no bias, as in resnet and vgg), the
/// fused inference forward (bias + ReLU, as after batch-norm folding), backward data and backward weight.
/// </summary>
public sealed class KernelConvWorkload : IKernelWorkload
{
    private readonly CudaBackend _backend;
    private readonly Conv2dGeometry _g;
    private readonly float[] _x, _w, _b, _dy;
    private readonly Tensor _tx, _tw, _tb, _tdy, _tdx, _tdw;
    private readonly Dictionary<string, float[]> _references = [];

    public KernelConvWorkload(CudaBackend backend, Conv2dGeometry g)
    {
        (_backend, _g) = (backend, g);
        int seed = KernelCheckKit.Seed(g.N, g.C, g.H, g.W, g.OC, g.K, g.Stride, g.Padding);
        _x = KernelCheckKit.Uniform(Elements(g.InputShape), seed);
        _w = KernelCheckKit.Uniform(Elements(g.WeightShape), seed + 1);
        _b = KernelCheckKit.Uniform(g.OC, seed + 2);
        _dy = KernelCheckKit.Uniform(Elements(g.OutputShape), seed + 3);
        _tx = backend.FromArray(_x, g.InputShape);
        _tw = backend.FromArray(_w, g.WeightShape);
        _tb = backend.FromArray(_b, [g.OC]);
        _tdy = backend.FromArray(_dy, g.OutputShape);
        _tdx = backend.Zeros(g.InputShape);
        _tdw = backend.Zeros(g.WeightShape);
    }

    public void Run(string op)
    {
        switch (op)
        {
            case ConvKernels.Forward: _backend.Conv2dForward(_tx, _tw, null, _g).Dispose(); break; // freed to the cache, stream-ordered
            case ConvKernels.BiasReluForward: _backend.Conv2dBiasReluForward(_tx, _tw, _tb, _g, relu: true).Dispose(); break;
            case ConvKernels.BackwardData: _backend.Conv2dBackwardData(_tdy, _tw, _tdx, _g); break;
            case ConvKernels.BackwardWeight: _backend.Conv2dBackwardWeight(_tdy, _tx, _tdw, null, _g); break;
            default: throw new ArgumentException($"not a convolution op: {op}", nameof(op));
        }
    }

    /// <summary>
    /// Forward passes and the data gradient: the first and last image, against CpuReference on one-image
    /// slices; the weight gradient: the first and last filter, against CpuReference on one-channel slices.
    /// </summary>
    public KernelCheckResult Validate(string op)
    {
        var (atol, actual, expected) = op switch
        {
            ConvKernels.Forward or ConvKernels.BiasReluForward => ValidateForward(op),
            ConvKernels.BackwardData => ValidateBackwardData(),
            ConvKernels.BackwardWeight => ValidateBackwardWeight(),
            _ => throw new ArgumentException($"not a convolution op: {op}", nameof(op)),
        };
        return KernelCheckKit.Compare(actual, expected, atol, KernelCheckKit.SumRelativeTolerance);
    }

    private (double, float[], float[]) ValidateForward(string op)
    {
        using var y = op == ConvKernels.Forward
            ? _backend.Conv2dForward(_tx, _tw, null, _g)
            : _backend.Conv2dBiasReluForward(_tx, _tw, _tb, _g, relu: true);
        var actual = Images(_backend.ToFloatArray(y), Elements(_g.OutputShape) / _g.N);
        var expected = Reference(op, () =>
        {
            var one = _g with { N = 1 };
            int xPer = Elements(one.InputShape), yPer = Elements(one.OutputShape);
            return [.. ImageIndices.SelectMany(n =>
            {
                var y1 = new float[yPer];
                CpuReference.Conv2dBiasReluForward(_x.AsSpan(n * xPer, xPer), _w, op == ConvKernels.Forward ? [] : _b, y1, one,
                    relu: op == ConvKernels.BiasReluForward);
                return y1;
            })];
        });
        return (KernelCheckKit.SumTolerance((long)_g.C * _g.K * _g.K), actual, expected);
    }

    private (double, float[], float[]) ValidateBackwardData()
    {
        _backend.Fill(_tdx, 0f);
        Run(ConvKernels.BackwardData);
        var actual = Images(_backend.ToFloatArray(_tdx), Elements(_g.InputShape) / _g.N);
        var expected = Reference(ConvKernels.BackwardData, () =>
        {
            var one = _g with { N = 1 };
            int xPer = Elements(one.InputShape), yPer = Elements(one.OutputShape);
            return [.. ImageIndices.SelectMany(n =>
            {
                var dx1 = new float[xPer];
                CpuReference.Conv2dBackwardData(_dy.AsSpan(n * yPer, yPer), _w, dx1, one);
                return dx1;
            })];
        });
        return (KernelCheckKit.SumTolerance((long)_g.OC * _g.K * _g.K), actual, expected);
    }

    private (double, float[], float[]) ValidateBackwardWeight()
    {
        _backend.Fill(_tdw, 0f);
        Run(ConvKernels.BackwardWeight);
        int perFilter = Elements(_g.WeightShape) / _g.OC;
        var actual = Filters(_backend.ToFloatArray(_tdw), perFilter);
        var expected = Reference(ConvKernels.BackwardWeight, () =>
        {
            // One output channel's filter gradient is the whole problem with OC = 1 and that channel of dy.
            var one = _g with { OC = 1 };
            int plane = _g.OH * _g.OW;
            return [.. FilterIndices.SelectMany(oc =>
            {
                var dy1 = new float[_g.N * plane];
                for (int n = 0; n < _g.N; n++) _dy.AsSpan((n * _g.OC + oc) * plane, plane).CopyTo(dy1.AsSpan(n * plane));
                var dw1 = new float[perFilter];
                CpuReference.Conv2dBackwardWeight(dy1, _x, dw1, [], one);
                return dw1;
            })];
        });
        return (KernelCheckKit.SumTolerance((long)_g.N * _g.OH * _g.OW), actual, expected);
    }

    // The first and last image (the last tile of the pixel dimension ends there).
    private int[] ImageIndices => _g.N == 1 ? [0] : [0, _g.N - 1];

    // The first and last output channel (the last tile of the channel dimension ends there).
    private int[] FilterIndices => _g.OC == 1 ? [0] : [0, _g.OC - 1];

    private float[] Images(float[] all, int perImage) =>
        [.. ImageIndices.SelectMany(n => all.AsSpan(n * perImage, perImage).ToArray())];

    private float[] Filters(float[] all, int perFilter) =>
        [.. FilterIndices.SelectMany(oc => all.AsSpan(oc * perFilter, perFilter).ToArray())];

    private float[] Reference(string op, Func<float[]> compute)
    {
        if (!_references.TryGetValue(op, out var r)) _references[op] = r = compute();
        return r;
    }

    private static int Elements(int[] shape) => checked((int)Shapes.Count(shape));

    public void Dispose()
    {
        foreach (var t in new[] { _tx, _tw, _tb, _tdy, _tdx, _tdw }) t.Dispose();
    }
}
