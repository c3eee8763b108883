using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

/// <summary>A module variant's defines: canonical (order-free) key and options, C identifiers only, reserved names refused.</summary>
public class ModuleDefinesTests
{
    [Test]
    public void TheOrderTheDefinesAreGivenInDoesNotMatter()
    {
        var a = ModuleDefines.Of(("CONV_K", 3), ("CONV_C", 45), ("CONV_BM", 64));
        var b = ModuleDefines.None.With("CONV_BM", 64).With("CONV_C", 45).With("CONV_K", 3);

        Assert.That(a.Key, Is.EqualTo("CONV_BM=64,CONV_C=45,CONV_K=3"));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a.CompilerOptions, Is.EqualTo(new[] { "-DCONV_BM=64", "-DCONV_C=45", "-DCONV_K=3" }));
        Assert.That(a.TryGetValue("CONV_C", out var c) && c == 45, Is.True);
        Assert.That(a.TryGetValue("CONV_H", out _), Is.False);
    }

    [Test]
    public void NoneIsEmptyAndEqualToAnEmptySet()
    {
        Assert.That(ModuleDefines.None.IsEmpty, Is.True);
        Assert.That(ModuleDefines.None.Key, Is.Empty);
        Assert.That(ModuleDefines.None.CompilerOptions, Is.Empty);
        Assert.That(ModuleDefines.Of(), Is.SameAs(ModuleDefines.None));
        Assert.That(ModuleDefines.Of(new Dictionary<string, long>()), Is.SameAs(ModuleDefines.None));
        Assert.That(ModuleDefines.Of(("X", 1)), Is.Not.EqualTo(ModuleDefines.None));
        Assert.That(ModuleDefines.Of(("X", 1)), Is.Not.EqualTo(ModuleDefines.Of(("X", 2))));
    }

    [Test]
    public void NegativeAndLargeValuesAreWrittenInvariantly()
    {
        Assert.That(ModuleDefines.Of(("PAD", -1), ("BIG", 1L << 40)).Key, Is.EqualTo("BIG=1099511627776,PAD=-1"));
    }

    [TestCase("")]
    [TestCase("1ST")]
    [TestCase("A-B")]
    [TestCase("A=1")]
    [TestCase("A B")]
    public void ANameThatIsNotACIdentifierIsRefused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ModuleDefines.Of((name, 1)));
        Assert.That(e!.Message, Does.Contain("C identifier"));
    }

    [TestCase("CUDAPRUNE_EMULATOR")]
    [TestCase("CUDAPRUNE_HAS_MMA")]
    [TestCase("__CUDA_ARCH__")]
    public void TheBuildsOwnNamesAreReserved(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ModuleDefines.Of((name, 1)));
        Assert.That(e!.Message, Does.Contain("reserved"));
    }

    [Test]
    public void ANameGivenTwiceIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ModuleDefines.Of(("CONV_C", 16), ("CONV_C", 32)));
        Assert.That(e!.Message, Does.Contain("CONV_C").And.Contain("twice"));
        Assert.Throws<ArgumentException>(() => ModuleDefines.Of(("A", 1)).With("A", 1));
    }
}
