namespace CudaPrune.Core.Data;

/// <summary>How far a download is: bytes received so far, and the total when the server said it.</summary>
public readonly record struct DownloadProgress(long BytesReceived, long? TotalBytes);
