namespace CudaPrune.Pruning.Reporting;

/// <summary>One row of a pruning report: a layer (or block part) with its parameters and FLOPs per image before and after, and what happened to it.</summary>
/// <param name="Change">"" (untouched), "out 16→8", "removed", "new", "rebuilt (re-initialised): in 8192→16384", ...</param>
public sealed record LayerChange(string Name, string Kind, long ParamsBefore, long ParamsAfter, long FlopsBefore, long FlopsAfter, string Change);
