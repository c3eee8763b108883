using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.CuDriver;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// One CUDA device and its primary context. Every driver call made for this device first calls
/// <see cref="MakeCurrent"/>, which binds the context to the calling thread once per thread.
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    /// <summary>CUDA 11.4: the oldest driver API with every call we bind.</summary>
    public const int MinimumDriverVersion = 11040;

    private static readonly Lazy<string?> s_initFailure = new(InitializeDriver);
    private static long s_nextId;

    // Which CudaDevice's context this thread last made current (by instance id, so a reopened device rebinds).
    [ThreadStatic] private static long t_currentDeviceId;

    private readonly long _id = Interlocked.Increment(ref s_nextId);
    private readonly int _device;
    private nint _context;

    private CudaDevice(int ordinal)
    {
        EnsureDriver();
        int count = DeviceCount;
        if (ordinal < 0 || ordinal >= count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"CUDA device {ordinal} does not exist: the driver sees {count} device(s)");
        Ordinal = ordinal;
        Check(cuDeviceGet(out _device, ordinal));
        Check(cuDevicePrimaryCtxRetain(out _context, _device));
        try
        {
            MakeCurrent();
            Properties = ReadProperties();
            Limits = ReadLimits();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Ordinal { get; }

    /// <summary>The primary context (CUcontext).</summary>
    public nint Context => _context;

    /// <summary>False once disposed: the context, and every object made in it, is gone.</summary>
    public bool IsOpen => _context != 0;

    public GpuProperties Properties { get; }

    /// <summary>The largest grid, block and shared memory a launch may ask for.</summary>
    public LaunchLimits Limits { get; }

    /// <summary>Opens device <paramref name="ordinal"/>; throws when there is no driver or no such device.</summary>
    public static CudaDevice Open(int ordinal = 0) => new(ordinal);

    /// <summary>Opens device <paramref name="ordinal"/>, or says why it cannot; never throws.</summary>
    public static bool TryOpen(int ordinal, [NotNullWhen(true)] out CudaDevice? device, out string reason)
    {
        device = null;
        if (!TryInitializeDriver(out reason)) return false;
        try
        {
            device = new CudaDevice(ordinal);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is CudaException or ArgumentOutOfRangeException)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>True when the driver library loads and <c>cuInit</c> succeeds; otherwise <paramref name="reason"/> says why.</summary>
    public static bool TryInitializeDriver(out string reason)
    {
        reason = s_initFailure.Value ?? "";
        return s_initFailure.Value is null;
    }

    /// <summary>The driver API version (13000 = CUDA 13.0).</summary>
    public static int DriverVersion
    {
        get
        {
            EnsureDriver();
            Check(cuDriverGetVersion(out int v));
            return v;
        }
    }

    /// <summary>How many CUDA devices the driver sees.</summary>
    public static int DeviceCount
    {
        get
        {
            EnsureDriver();
            Check(cuDeviceGetCount(out int n));
            return n;
        }
    }

    /// <summary>Binds this device's context to the calling thread (a no-op after the first call on a thread).</summary>
    public void MakeCurrent()
    {
        if (t_currentDeviceId == _id) return;
        ObjectDisposedException.ThrowIf(_context == 0, this);
        Check(cuCtxSetCurrent(_context));
        t_currentDeviceId = _id;
    }

    /// <summary>Free and total device memory in bytes.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        Check(cuMemGetInfo_v2(out nuint free, out nuint total));
        return ((long)free, (long)total);
    }

    /// <summary>Blocks until all work in the context is done.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        Check(cuCtxSynchronize());
    }

    public void Dispose()
    {
        if (_context == 0) return;
        if (t_currentDeviceId == _id) t_currentDeviceId = 0;
        _context = 0;
        Check(cuDevicePrimaryCtxRelease_v2(_device));
    }

    public override string ToString() => $"CUDA device {Ordinal}: {Properties.Name} ({Properties.Arch})";

    private static void EnsureDriver()
    {
        if (s_initFailure.Value is { } failure) throw new CudaException(failure);
    }

    // Loads the library and runs cuInit once per process; returns why it failed, or null.
    private static string? InitializeDriver()
    {
        if (!CudaLibraries.TryLoadDriver(out string reason))
            return "no CUDA driver found. " + reason;
        var r = cuInit(0);
        if (r != CuResult.Success) return Error(r, "cuInit", "the CUDA driver is installed but could not start").Message;
        r = cuDriverGetVersion(out int version);
        if (r != CuResult.Success) return Error(r, "cuDriverGetVersion").Message;
        return version >= MinimumDriverVersion ? null
            : $"the CUDA driver at {CudaLibraries.Get(CudaLibrary.Driver).Path} is version {version / 1000}.{version % 1000 / 10}; "
              + $"CudaPrune needs {MinimumDriverVersion / 1000}.{MinimumDriverVersion % 1000 / 10} or newer (for cuGraphInstantiateWithFlags)";
    }

    private GpuProperties ReadProperties()
    {
        byte* name = stackalloc byte[256];
        Check(cuDeviceGetName(name, 256, _device));
        Check(cuDeviceTotalMem_v2(out nuint total, _device));
        return new GpuProperties(
            Name: Marshal.PtrToStringUTF8((nint)name) ?? "",
            ComputeMajor: Attribute(CuDeviceAttribute.ComputeCapabilityMajor),
            ComputeMinor: Attribute(CuDeviceAttribute.ComputeCapabilityMinor),
            MultiprocessorCount: Attribute(CuDeviceAttribute.MultiprocessorCount),
            TotalMemoryBytes: (long)total,
            L2CacheBytes: Attribute(CuDeviceAttribute.L2CacheSize),
            // Clocks are deprecated attributes in recent drivers: 0 where one is no longer reported.
            ClockRateKHz: AttributeOrZero(CuDeviceAttribute.ClockRate),
            MemoryClockRateKHz: AttributeOrZero(CuDeviceAttribute.MemoryClockRate),
            MemoryBusWidthBits: AttributeOrZero(CuDeviceAttribute.GlobalMemoryBusWidth),
            MaxSharedMemoryPerBlockOptin: Attribute(CuDeviceAttribute.MaxSharedMemoryPerBlockOptin),
            DriverVersion: DriverVersion);
    }

    private LaunchLimits ReadLimits() => new(
        MaxThreadsPerBlock: Attribute(CuDeviceAttribute.MaxThreadsPerBlock),
        MaxBlock: new Dim3((uint)Attribute(CuDeviceAttribute.MaxBlockDimX), (uint)Attribute(CuDeviceAttribute.MaxBlockDimY), (uint)Attribute(CuDeviceAttribute.MaxBlockDimZ)),
        MaxGrid: new Dim3((uint)Attribute(CuDeviceAttribute.MaxGridDimX), (uint)Attribute(CuDeviceAttribute.MaxGridDimY), (uint)Attribute(CuDeviceAttribute.MaxGridDimZ)),
        SharedMemoryPerBlock: Attribute(CuDeviceAttribute.MaxSharedMemoryPerBlock),
        SharedMemoryPerBlockOptin: Attribute(CuDeviceAttribute.MaxSharedMemoryPerBlockOptin));

    private int Attribute(CuDeviceAttribute attribute)
    {
        Check(cuDeviceGetAttribute(out int v, attribute, _device));
        return v;
    }

    private int AttributeOrZero(CuDeviceAttribute attribute) =>
        cuDeviceGetAttribute(out int v, attribute, _device) == CuResult.Success ? v : 0;
}
