using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// The emulator libraries one <see cref="EmulatedGpu"/> launches from: the main build (every module, no
/// defines) and one library per module variant asked for (<see cref="EmulatorBuild.ModuleVariant"/>).
/// A kernel's handle names both: its library's slot here in the high 32 bits, its number in that
/// library's table in the low 32.
/// </summary>
/// <remarks>
/// Libraries coexist in one process: each is its own <c>dlopen</c> (local symbols), with its own kernel
/// table, worker pool and thread-local shared memory; only the <c>emu_*</c> API is exported, and each
/// library's API is bound to that library's handle. Device memory is plain host memory, so a buffer
/// works with the kernels of every library.
/// </remarks>
internal sealed class EmulatorLibrarySet(EmulatorSources sources, EmulatorBuildOptions? options)
{
    /// <summary>A loaded library and the defines its module was compiled with (none for the main build).</summary>
    internal sealed record Slot(EmulatorLibrary Library, ModuleDefines Defines);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Module, string Defines), int> _slotOf = [];
    // Read on every launch without the lock: replaced, never changed, when a library joins.
    private volatile Slot[] _slots = [];

    /// <summary>The main library (built or loaded on first use).</summary>
    // Through the indexer, not _slots[SlotFor(...)]: that reads the array before SlotFor replaces it.
    public EmulatorLibrary Main => this[SlotFor("", ModuleDefines.None)].Library;

    /// <summary>
    /// The slot of the library that holds <paramref name="module"/> compiled with <paramref name="defines"/>:
    /// the main one when there are none, else the variant's own, built (or found in the cache) and loaded
    /// on first use. Building holds this device's lock: its other GetKernel calls wait, launches do not.
    /// </summary>
    public int SlotFor(string module, ModuleDefines defines)
    {
        var key = defines.IsEmpty ? ("", "") : (module, defines.Key);
        lock (_gate)
        {
            if (_slotOf.TryGetValue(key, out var known)) return known;
            var path = defines.IsEmpty
                ? EmulatorBuild.Library(sources, options)
                : EmulatorBuild.ModuleVariant(sources, module, defines, options);
            var slot = _slots.Length;
            _slots = [.. _slots, new Slot(EmulatorLibrary.Load(path), defines)];
            _slotOf[key] = slot;
            return slot;
        }
    }

    /// <summary>The library in <paramref name="slot"/> (from <see cref="SlotFor"/>).</summary>
    public Slot this[int slot] => _slots[slot];

    /// <summary>The handle of kernel <paramref name="index"/> of the library in <paramref name="slot"/>.</summary>
    public static nint Handle(int slot, int index) => (nint)(((long)slot << 32) | (uint)index);

    /// <summary>The slot and kernel a handle names, or null when no library of this set has them.</summary>
    public (Slot Slot, EmulatedKernelInfo Kernel)? Resolve(nint handle)
    {
        var slots = _slots;
        long h = handle;
        long slot = h >> 32, index = h & 0xFFFF_FFFF;
        if (slot < 0 || slot >= slots.Length) return null;
        var kernels = slots[slot].Library.Kernels;
        return index < kernels.Count ? (slots[slot], kernels[(int)index]) : null;
    }
}
