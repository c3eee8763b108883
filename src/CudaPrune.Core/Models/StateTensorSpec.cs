namespace CudaPrune.Core.Models;

/// <summary>One tensor a layer holds, by state-dict name, with its shape; buffers (running statistics) are not trained.</summary>
public sealed record StateTensorSpec(string Name, int[] Shape, bool IsBuffer)
{
    public bool Equals(StateTensorSpec? other) =>
        other is not null && Name == other.Name && Shape.AsSpan().SequenceEqual(other.Shape) && IsBuffer == other.IsBuffer;

    public override int GetHashCode() => HashCode.Combine(Name, Shape.Length, IsBuffer);

    public override string ToString() => $"{Name}{Tensors.Shapes.Format(Shape)}{(IsBuffer ? " (buffer)" : "")}";
}
