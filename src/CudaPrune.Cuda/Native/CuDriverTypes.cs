namespace CudaPrune.Cuda.Native;

/// <summary>CUresult: the status every driver API call returns (only the codes we test for are named).</summary>
internal enum CuResult
{
    Success = 0,
    ErrorInvalidValue = 1,
    ErrorOutOfMemory = 2,
    ErrorNoDevice = 100,
    ErrorInvalidDevice = 101,
    ErrorNotReady = 600,
}

/// <summary>CUdevice_attribute: the device facts we read.</summary>
internal enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxBlockDimX = 2,
    MaxBlockDimY = 3,
    MaxBlockDimZ = 4,
    MaxGridDimX = 5,
    MaxGridDimY = 6,
    MaxGridDimZ = 7,
    MaxSharedMemoryPerBlock = 8,
    ClockRate = 13,
    MultiprocessorCount = 16,
    MemoryClockRate = 36,
    GlobalMemoryBusWidth = 37,
    L2CacheSize = 38,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerBlockOptin = 97,
}

/// <summary>CUfunction_attribute: the kernel attribute we set.</summary>
internal enum CuFunctionAttribute
{
    MaxDynamicSharedSizeBytes = 8,
}

/// <summary>CUstreamCaptureMode.</summary>
internal enum CuStreamCaptureMode
{
    Global = 0,
    ThreadLocal = 1,
    Relaxed = 2,
}

/// <summary>CUevent_flags: the flag we create staging events with.</summary>
internal enum CuEventFlags : uint
{
    Default = 0,
    DisableTiming = 2,
}
