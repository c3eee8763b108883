namespace CudaPrune.Core.Checkpoints;

/// <summary>A float32 tensor to write: name, shape, and a function giving its values (called once, when its turn comes, so device tensors are copied to the host one at a time).</summary>
public sealed record SafeTensorsEntry(string Name, int[] Shape, Func<float[]> Values);
