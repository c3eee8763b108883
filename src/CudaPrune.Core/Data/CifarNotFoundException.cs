namespace CudaPrune.Core.Data;

/// <summary>CIFAR-10 is not where the user pointed, or nowhere and not downloadable; the message says what to do.</summary>
public sealed class CifarNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
