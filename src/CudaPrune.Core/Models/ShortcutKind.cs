namespace CudaPrune.Core.Models;

/// <summary>The skip path of a residual block.</summary>
public enum ShortcutKind
{
    /// <summary>x itself: needs stride 1 and as many output channels as inputs.</summary>
    Identity,
    /// <summary>conv1x1(stride) + batch norm, named shortcut.0 and shortcut.1 ("option B" of He et al.).</summary>
    Projection,
}
