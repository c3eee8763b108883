namespace CudaPrune.Interop.Export;

/// <summary>How <see cref="OnnxExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    public const int MinOpset = 17;
    public const int MaxOpset = 22;

    /// <summary>Fold each batch norm that directly follows a convolution into that convolution's weight and bias.</summary>
    public bool FoldBatchNorm { get; init; }

    /// <summary>The ai.onnx opset version, <see cref="MinOpset"/>..<see cref="MaxOpset"/>.</summary>
    public int Opset { get; init; } = MinOpset;

    /// <summary>The IR version that goes with <see cref="Opset"/> (the oldest that can carry it, for the widest reader support).</summary>
    public long IrVersion => Opset switch
    {
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    public void Validate()
    {
        if (Opset is < MinOpset or > MaxOpset)
            throw new ArgumentException($"opset must be between {MinOpset} and {MaxOpset}, got {Opset}");
    }
}
