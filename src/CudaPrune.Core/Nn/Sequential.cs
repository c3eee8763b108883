using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Nn;

/// <summary>Runs its children in order, each on the previous one's output.</summary>
public sealed class Sequential : Module
{
    /// <summary>Children named "0", "1", ... as in PyTorch's nn.Sequential.</summary>
    public Sequential(params Module[] children)
    {
        for (int i = 0; i < children.Length; i++) AddModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), children[i]);
    }

    /// <summary>Children with the given names.</summary>
    public Sequential(IEnumerable<KeyValuePair<string, Module>> children)
    {
        foreach (var (name, child) in children) AddModule(name, child);
    }

    protected override Tensor Forward(Tensor x)
    {
        foreach (var child in Children()) x = child.Call(x);
        return x;
    }
}
