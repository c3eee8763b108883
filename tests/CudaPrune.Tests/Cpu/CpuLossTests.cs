using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.Cpu;

/// <summary>Softmax cross-entropy with optional label smoothing: hand-computed values, numerical stability, gradient formula.</summary>
public class CpuLossTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void EqualLogitsGiveLogK(bool useFastPaths)
    {
        var be = new CpuBackend(useFastPaths);
        var losses = be.SoftmaxCrossEntropyForward(be.FromArray([3f, 3f, 3f, 3f, -1f, -1f, -1f, -1f], [2, 4]), be.FromArray([0, 3], [2]), 0f, out var probs);
        Assert.That(losses.ToArray(), Is.EqualTo(new[] { MathF.Log(4), MathF.Log(4) }).Within(1e-6));
        Assert.That(probs.ToArray(), Is.All.EqualTo(0.25f).Within(1e-7));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void LabelSmoothingMixesTheTargetWithUniform(bool useFastPaths)
    {
        // logits [0, ln 3]: probs [1/4, 3/4]. Label 1, ε = 0.2: target [0.1, 0.9].
        var be = new CpuBackend(useFastPaths);
        var labels = be.FromArray([1], [1]);
        var losses = be.SoftmaxCrossEntropyForward(be.FromArray([0f, MathF.Log(3)], [1, 2]), labels, 0.2f, out var probs);
        Assert.That(probs.ToArray(), Is.EqualTo(new[] { 0.25f, 0.75f }).Within(1e-6));
        Assert.That(losses.ToArray()[0], Is.EqualTo(-(0.1 * Math.Log(0.25) + 0.9 * Math.Log(0.75))).Within(1e-6));

        // dlogits += scale · (probs - target) = 0.5 · [0.15, -0.15], onto [1, 1].
        var dlogits = be.FromArray([1f, 1f], [1, 2]);
        be.SoftmaxCrossEntropyBackward(probs, labels, 0.2f, 0.5f, dlogits);
        Assert.That(dlogits.ToArray(), Is.EqualTo(new[] { 1.075f, 0.925f }).Within(1e-6));
    }

    [Test]
    public void HugeLogitsStayFinite()
    {
        var be = new CpuBackend();
        var losses = be.SoftmaxCrossEntropyForward(be.FromArray([1000f, 0f, -1000f, 1000f], [2, 2]), be.FromArray([1, 0], [2]), 0.1f, out var probs);
        // Row 0: log p1 = -1000; loss = -(0.05·0 + 0.95·(-1000)) = 950. Row 1: log p0 = -2000: loss = 0.95·2000 = 1900.
        Assert.That(losses.ToArray(), Is.EqualTo(new[] { 950f, 1900f }).Within(1e-3));
        Assert.That(probs.ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f, 1f }));
    }

    [Test]
    public void LabelsOutsideTheClassesAreRejected()
    {
        var be = new CpuBackend();
        var ex = Assert.Throws<ArgumentException>(() => be.SoftmaxCrossEntropyForward(be.Zeros([2, 3]), be.FromArray([0, 3], [2]), 0f, out _));
        Assert.That(ex!.Message, Does.Contain("label 3 of sample 1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => be.SoftmaxCrossEntropyForward(be.Zeros([2, 3]), be.FromArray([0, 1], [2]), 1f, out _));
    }
}
