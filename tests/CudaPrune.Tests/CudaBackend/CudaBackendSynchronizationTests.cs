using CudaPrune.Core.Backends.Cpu;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>Ops queue work and return: only reading a value back makes the host wait.</summary>
[Category("Emulated")]
public class CudaBackendSynchronizationTests
{
    [Test]
    public void ATrainingStepNeverWaitsForTheDevice()
    {
        CountingGpu? gpu = null;
        using var backend = EmulatedDevice.OpenBackend(g => gpu = new CountingGpu(g));
        using var net = new TrainingStepFixture(backend);

        int uploadsBefore = gpu!.Uploads;
        net.Step();

        Assert.That(gpu.Launches, Is.GreaterThan(10));
        Assert.That(gpu.Uploads - uploadsBefore, Is.Positive, "IndexSelect uploads its indices");
        Assert.That(gpu.HostWaits, Is.Zero, "Synchronize, CopyToHost, event waits or waiting uploads inside the ops (the fixture's uploads included)");
        net.Parameters();
        Assert.That(gpu.CopiesToHost, Is.EqualTo(4), "reading the four parameter tensors back is what waits");
    }

    [Test]
    public void ThreeStepsGiveTheSameParametersAsTheCpuReference()
    {
        using var backend = EmulatedDevice.OpenBackend();
        using var cpu = new CpuBackend(useFastPaths: false);
        using var onDevice = new TrainingStepFixture(backend);
        using var onCpu = new TrainingStepFixture(cpu);

        for (int i = 0; i < 3; i++)
        {
            onDevice.Step();
            onCpu.Step();
        }

        // Float reductions against the reference's double ones, compounded over three steps.
        Assert.That(onDevice.Parameters(), Is.EqualTo(onCpu.Parameters()).Within(1e-5));
    }
}
