namespace CudaPrune.Interop.Import;

/// <summary>What <see cref="OnnxImporter"/> made of a model: spec and tensors, and notes on anything it had to rewrite.</summary>
public sealed record OnnxImportResult(ModelWeights Model, IReadOnlyList<string> Notes);
