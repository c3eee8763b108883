namespace CudaPrune.Pruning.Targets;

/// <summary>No pruning of this model by this method reaches the asked FLOPs or parameter budget.</summary>
public sealed class TargetUnreachableException(string message) : ArgumentException(message);
