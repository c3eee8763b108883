namespace CudaPrune.Tests.CudaBackend;

/// <summary>What the loss kernels do with a label the host could not check without waiting for the device.</summary>
[Category("Emulated")]
public class CudaBackendLossTests
{
    [Test]
    public void ALabelOutsideTheClassesGivesNaNForItsSampleOnly([Values(1, 2)] int version)
    {
        using var be = EmulatedDevice.OpenBackend();
        be.Versions.Set("softmax_cross_entropy_forward", version);
        var logits = be.FromArray([1f, 2f, 3f, 1f, 2f, 3f, 1f, 2f, 3f], [3, 3]);
        var labels = be.FromArray(new[] { 0, 7, 2 }, [3]);

        var losses = be.SoftmaxCrossEntropyForward(logits, labels, 0f, out var probs).ToArray();
        var dlogits = be.Zeros([3, 3]);
        be.SoftmaxCrossEntropyBackward(probs, labels, 0f, 1f, dlogits);
        var d = dlogits.ToArray();

        Assert.That(float.IsNaN(losses[1]), Is.True, "the sample with label 7 of 3 classes");
        Assert.That(losses[0], Is.EqualTo(losses[2] + 2f).Within(1e-5f), "the others are unaffected: -log p0 = -log p2 + 2");
        Assert.That(d[3..6].All(float.IsNaN), Is.True);
        Assert.That(d[..3].Concat(d[6..]).All(float.IsFinite), Is.True);
    }
}
