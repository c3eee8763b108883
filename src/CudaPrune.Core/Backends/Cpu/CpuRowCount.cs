namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// A compile-time row count for micro-kernels: the JIT specialises a generic method per struct type
/// argument and folds <see cref="Value"/> to a constant, so edge tiles run a kernel with exactly the
/// rows they need and no dead work, from one source.
/// </summary>
internal interface IRowCount
{
    static abstract int Value { get; }
}

internal struct Rows1 : IRowCount { public static int Value => 1; }
internal struct Rows2 : IRowCount { public static int Value => 2; }
internal struct Rows3 : IRowCount { public static int Value => 3; }
internal struct Rows4 : IRowCount { public static int Value => 4; }
internal struct Rows5 : IRowCount { public static int Value => 5; }
internal struct Rows6 : IRowCount { public static int Value => 6; }
