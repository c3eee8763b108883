namespace CudaPrune.Core.Checkpoints;

/// <summary>
/// A checkpoint or safetensors file that cannot be read, or does not fit its model spec. The message
/// names the file, and the tensor when one is at fault (<see cref="TensorName"/>).
/// </summary>
public class CheckpointException(string path, string message, string? tensorName = null, Exception? inner = null)
    : IOException($"'{path}': {message}", inner)
{
    public string FilePath { get; } = path;
    public string? TensorName { get; } = tensorName;
}
