namespace CudaPrune.Core.Models;

/// <summary>A model spec that cannot describe a working network; <see cref="Layer"/> names the offending layer, when there is one.</summary>
public sealed class ModelSpecException(string message, string? layer = null) : Exception(message)
{
    public string? Layer { get; } = layer;
}
