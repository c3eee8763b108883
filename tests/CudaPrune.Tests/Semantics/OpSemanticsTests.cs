using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaBackendOps = CudaPrune.Core.Backends.Cuda.CudaBackend;
using ConvKernels = CudaPrune.Core.Backends.Cuda.ConvKernels;
using CudaPrune.Tests.Cuda;
using EmulatedDevice = CudaPrune.Tests.CudaBackend.EmulatedDevice;

namespace CudaPrune.Tests.Semantics;

/// <summary>
/// What the ops mean at their edges — NaN and ±Inf as PyTorch treats them, padding and ties in max pooling,
/// size-1 and empty dimensions — written once and bound to every backend the machine has (one subclass per
/// backend, ILGPU's pattern): the CPU fast paths, the CPU reference, our CUDA kernels under the emulator and on
/// a GPU. Each case runs under every kernel version a backend has for the op (<see cref="Variants"/>).
/// PyTorch's rules: relu(NaN) = NaN (clamp_min keeps NaN); relu's gradient is dy where y &gt; 0, so 0 at a NaN;
/// max_pool2d takes `val &gt; maxval || isnan(val)`: a NaN window gives NaN, its index is the last NaN's, and the
/// backward pass routes dy there.
/// </summary>
public abstract class OpSemanticsTests
{
    private IBackend _backend = null!;

    /// <summary>A new backend of the kind under test (or the test is ignored, saying why).</summary>
    protected abstract IBackend Open();

    /// <summary>Puts the backend in each kernel version worth checking for <paramref name="op"/> and yields its name.</summary>
    protected virtual IEnumerable<string> Variants(IBackend backend, string op) { yield return "default"; }

    [SetUp]
    public void OpenBackend() => _backend = Open();

    [TearDown]
    public void CloseBackend() => _backend?.Dispose();

    private IBackend Be => _backend;

    // 19 values: two 8-wide SIMD blocks and a tail of 3, with the NaN and the infinities in both.
    private static readonly float[] Edges =
        [-2f, -0f, 0f, 0.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-30f,
         -1e-30f, 7f, float.NaN, -3f, float.PositiveInfinity, 2f, float.NegativeInfinity, -5f,
         float.NaN, float.PositiveInfinity, -1f];

    private static float PyTorchRelu(float x) => float.IsNaN(x) ? float.NaN : x > 0f ? x : 0f;

    [Test]
    public void ReluKeepsNaNAndInfinities()
    {
        foreach (var variant in Variants(Be, "relu_forward"))
        {
            using var x = Be.FromArray(Edges, [Edges.Length]);
            using var y = Be.ReluForward(x);
            var got = y.ToArray();
            Assert.That(got, Is.EqualTo(Edges.Select(PyTorchRelu).ToArray()), variant);
            Assert.That(float.IsNegative(got[1]), Is.False, $"{variant}: relu(-0) is +0");
        }
    }

    [Test]
    public void ReluOfNaNIsNaN()
    {
        foreach (var variant in Variants(Be, "relu_forward"))
        {
            using var x = Be.FromArray([float.NaN], [1]);
            using var y = Be.ReluForward(x);
            Assert.That(float.IsNaN(y.ToArray()[0]), variant);
        }
    }

    [Test]
    public void ReluBackwardPassesNoGradientThroughNaN()
    {
        foreach (var variant in Variants(Be, "relu_backward"))
        {
            using var y = Be.FromArray(Edges.Select(PyTorchRelu).ToArray(), [Edges.Length]);
            using var dy = Be.FromArray(Enumerable.Repeat(10f, Edges.Length).ToArray(), [Edges.Length]);
            using var dx = Be.FromArray(Enumerable.Repeat(1f, Edges.Length).ToArray(), [Edges.Length]);
            Be.ReluBackward(dy, y, dx);
            // threshold_backward: dy where y > 0 (NaN > 0 is false), accumulated into dx.
            Assert.That(dx.ToArray(), Is.EqualTo(Edges.Select(v => PyTorchRelu(v) > 0f ? 11f : 1f).ToArray()), variant);
        }
    }

    [Test]
    public void ReluOfEmptyAndSizeOneTensors()
    {
        foreach (var variant in Variants(Be, "relu_forward"))
        {
            using var one = Be.FromArray([-4f], [1, 1, 1, 1]);
            using var y1 = Be.ReluForward(one);
            Assert.That(y1.ToArray(), Is.EqualTo(new[] { 0f }), variant);
            Assert.That(y1.Shape, Is.EqualTo(new[] { 1, 1, 1, 1 }), variant);
            using var empty = Be.FromArray(Array.Empty<float>(), [0, 3]);
            using var y0 = Be.ReluForward(empty);
            Assert.That(y0.Shape, Is.EqualTo(new[] { 0, 3 }), variant);
            Assert.That(y0.ToArray(), Is.Empty, variant);
        }
    }

    [Test]
    public void MaxPoolOverANaNWindowGivesNaN()
    {
        // 4x4, K 2, stride 2: four windows. Window 0 holds one NaN (beside larger numbers), window 1 two NaNs
        // (the last is the index PyTorch records), window 2 +Inf, window 3 only -Inf.
        const float nan = float.NaN, inf = float.PositiveInfinity, ninf = float.NegativeInfinity;
        float[] x =
        [
            5f, nan,    nan, 1f,
            9f, 3f,     2f, nan,
            1f, inf,    ninf, ninf,
            2f, 3f,     ninf, ninf,
        ];
        var g = new Pool2dGeometry(N: 1, C: 1, H: 4, W: 4, K: 2, Stride: 2, Padding: 0);
        foreach (var variant in Variants(Be, "max_pool2d_forward"))
        {
            using var xt = Be.FromArray(x, g.InputShape);
            using var y = Be.MaxPool2dForward(xt, g, out var argmax);
            using var _ = argmax;
            var yv = y.ToArray();
            Assert.That(float.IsNaN(yv[0]) && float.IsNaN(yv[1]), $"{variant}: a window with a NaN gives NaN, got {string.Join(", ", yv)}");
            Assert.That(yv[2..], Is.EqualTo(new[] { inf, ninf }), variant);
            Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 1, 7, 9, 10 }), $"{variant}: the last NaN's index; the first of equal maxima");

            // The backward pass routes dy to the recorded cells, the NaN's included (PyTorch scatters to its indices).
            using var dy = Be.FromArray([1f, 2f, 3f, 4f], g.OutputShape);
            using var dx = Be.Zeros(g.InputShape);
            Be.MaxPool2dBackward(dy, argmax, dx, g);
            var expected = new float[16];
            expected[1] = 1f; expected[7] = 2f; expected[9] = 3f; expected[10] = 4f;
            Assert.That(dx.ToArray(), Is.EqualTo(expected), variant);
        }
    }

    [Test]
    public void MaxPoolPaddingNeverWinsAndTiesGoToTheFirst()
    {
        // All negative, padding 1: a zero pad must not win. Windows of the 3x3 plane at stride 2: rows/cols {-1,0}, {1,2}.
        var g = new Pool2dGeometry(N: 1, C: 1, H: 3, W: 3, K: 2, Stride: 2, Padding: 1);
        foreach (var variant in Variants(Be, "max_pool2d_forward"))
        {
            using var x = Be.FromArray([-1f, -2f, -3f, -4f, -5f, -5f, -7f, -8f, -9f], g.InputShape);
            using var y = Be.MaxPool2dForward(x, g, out var argmax);
            using var _ = argmax;
            Assert.That(y.ToArray(), Is.EqualTo(new[] { -1f, -2f, -4f, -5f }), variant);
            Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 0, 1, 3, 4 }), $"{variant}: -5 at 4 and 5, the first wins");
        }
    }

    [Test]
    public void MaxPoolPaddingNextToANaNStillGivesNaN()
    {
        // A window that is half padding and holds a NaN: NaN, not the pad's zero or the other cell.
        var g = new Pool2dGeometry(N: 1, C: 1, H: 2, W: 2, K: 2, Stride: 2, Padding: 1);
        foreach (var variant in Variants(Be, "max_pool2d_forward"))
        {
            using var x = Be.FromArray([float.NaN, -1f, -2f, 3f], g.InputShape);
            using var y = Be.MaxPool2dForward(x, g, out var argmax);
            using var _ = argmax;
            var yv = y.ToArray();
            Assert.That(float.IsNaN(yv[0]), variant);
            Assert.That(yv[1..], Is.EqualTo(new[] { -1f, -2f, 3f }), variant);
            Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 0, 1, 2, 3 }), variant);
        }
    }

    [Test]
    public void MaxPoolOfSizeOneDimensions()
    {
        // N = C = 1, a 1x1 plane, K 1: the identity, NaN and infinities included.
        var g = new Pool2dGeometry(N: 1, C: 1, H: 1, W: 1, K: 1, Stride: 1, Padding: 0);
        foreach (var value in new[] { float.NaN, float.NegativeInfinity, -3f })
        foreach (var variant in Variants(Be, "max_pool2d_forward"))
        {
            using var x = Be.FromArray([value], g.InputShape);
            using var y = Be.MaxPool2dForward(x, g, out var argmax);
            using var _ = argmax;
            Assert.That(y.ToArray(), Is.EqualTo(new[] { value }), $"{variant} {value}");
            Assert.That(argmax.ToIntArray(), Is.EqualTo(new[] { 0 }), $"{variant} {value}");
        }
    }

    [Test]
    public void FusedConvBiasReluKeepsANaNInput()
    {
        // One NaN input pixel reaches the 3x3 outputs around it in every output channel; a bias of -1000 makes
        // every other output negative, so a ReLU that lets NaN fall to 0 (fmaxf) shows as all zeros.
        var g = new Conv2dGeometry(N: 1, C: 2, H: 5, W: 5, OC: 3, K: 3, Stride: 1, Padding: 1);
        var random = new Random(7);
        var x = Enumerable.Range(0, 50).Select(_ => (float)random.NextDouble()).ToArray();
        x[1 * 25 + 2 * 5 + 2] = float.NaN; // channel 1, row 2, column 2
        var w = Enumerable.Range(0, 54).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = [-1000f, -1000f, -1000f];
        foreach (var variant in Variants(Be, "conv2d_bias_relu_forward"))
        foreach (bool relu in new[] { true, false })
        {
            using var xt = Be.FromArray(x, g.InputShape);
            using var wt = Be.FromArray(w, g.WeightShape);
            using var bt = Be.FromArray(b, [3]);
            using var y = Be.Conv2dBiasReluForward(xt, wt, bt, g, relu);
            var yv = y.ToArray();
            for (int oc = 0; oc < 3; oc++)
            for (int oh = 0; oh < 5; oh++)
            for (int ow = 0; ow < 5; ow++)
            {
                float v = yv[(oc * 5 + oh) * 5 + ow];
                bool reached = Math.Abs(oh - 2) <= 1 && Math.Abs(ow - 2) <= 1;
                string where = $"{variant} relu={relu}: y[0,{oc},{oh},{ow}] = {v}";
                if (reached) Assert.That(float.IsNaN(v), where);
                else if (relu) Assert.That(v, Is.EqualTo(0f), where);
                else Assert.That(v, Is.LessThan(-990f), where);
            }
        }
    }

    [Test]
    public void SoftmaxCrossEntropyOfANaNLogitIsNaN()
    {
        // PyTorch's cross_entropy: a NaN logit makes that sample's loss and probabilities NaN; other rows are untouched.
        foreach (var variant in Variants(Be, "softmax_cross_entropy_forward"))
        {
            using var logits = Be.FromArray([1f, float.NaN, 2f, 1f, 2f, 3f], [2, 3]);
            using var labels = Be.FromArray([0, 2], [2]);
            using var losses = Be.SoftmaxCrossEntropyForward(logits, labels, 0f, out var probs);
            using var _ = probs;
            var l = losses.ToArray();
            Assert.That(float.IsNaN(l[0]), variant);
            Assert.That(l[1], Is.EqualTo(0.40760596f).Within(1e-5f), variant);
            Assert.That(probs.ToArray()[..3].All(float.IsNaN), variant);
        }
    }
}

/// <summary>The CPU backend's fast paths (SIMD, threads).</summary>
public sealed class CpuFastOpSemanticsTests : OpSemanticsTests
{
    protected override IBackend Open() => new CpuBackend(threads: 3);
}

/// <summary>The CPU reference (CpuReference): obviously right, not fast.</summary>
public sealed class CpuReferenceOpSemanticsTests : OpSemanticsTests
{
    protected override IBackend Open() => new CpuBackend(useFastPaths: false);
}

/// <summary>Our CUDA kernels, on the CPU through the kernel emulator.</summary>
[Category("Emulated")]
public sealed class EmulatedOpSemanticsTests : OpSemanticsTests
{
    protected override IBackend Open() => EmulatedDevice.OpenBackend();

    protected override IEnumerable<string> Variants(IBackend backend, string op) => CudaVariants.Of((CudaBackendOps)backend, op);
}

/// <summary>Our CUDA kernels on device 0; ignored with the reason where there is none.</summary>
[Category("Gpu")]
public sealed class CudaOpSemanticsTests : OpSemanticsTests
{
    protected override IBackend Open() => new CudaBackendOps(Requirements.Gpu());

    protected override IEnumerable<string> Variants(IBackend backend, string op) => CudaVariants.Of((CudaBackendOps)backend, op);
}

/// <summary>The kernel versions of an op on the CUDA backend: each is forced in turn, then the defaults are restored.</summary>
internal static class CudaVariants
{
    public static IEnumerable<string> Of(CudaBackendOps backend, string op)
    {
        try
        {
            switch (op)
            {
                case "relu_forward" or "relu_backward" or "softmax_cross_entropy_forward":
                    foreach (int v in new[] { 1, 2 })
                    {
                        backend.Versions.Set(op, v);
                        yield return $"{op}_kernel{v}";
                    }
                    break;
                case ConvKernels.BiasReluForward:
                    // version 1: the naive fused kernel; version 2 in one split (the tiled epilogue) and in two
                    // (conv2d_split_reduce_kernel1's epilogue). Version 3 shares version 2's epilogue.
                    backend.Versions.Set(op, 1);
                    yield return $"{op}_kernel1";
                    backend.Versions.Set(op, 2);
                    foreach (int splits in new[] { 1, 2 })
                    {
                        backend.ConvSplitsOverride = splits;
                        yield return $"{op}_kernel2, {splits} split(s)";
                    }
                    break;
                default:
                    yield return "default";
                    break;
            }
        }
        finally
        {
            backend.Versions.Reset();
            backend.ConvSplitsOverride = null;
        }
    }
}
