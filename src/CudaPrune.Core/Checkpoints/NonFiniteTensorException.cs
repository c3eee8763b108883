using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Checkpoints;

/// <summary>A checkpoint tensor holds NaN or ±Inf: names the tensor, how many such values and the first one.</summary>
public sealed class NonFiniteTensorException(string path, NonFiniteValues values)
    : CheckpointException(path, $"{values}: the checkpoint is corrupt or its training diverged", values.TensorName)
{
    public NonFiniteValues Values { get; } = values;
}
