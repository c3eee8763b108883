using CudaPrune.Core.Training;

namespace CudaPrune.Tests.Training;

public class LearningRateScheduleTests
{
    [Test]
    public void CosineStartsAtTheBaseRateHalvesMidwayAndEndsNearZero()
    {
        var s = LearningRateSchedule.Parse("cosine", 0.2f, totalSteps: 100);
        Assert.That(s.At(0), Is.EqualTo(0.2f).Within(1e-6));
        Assert.That(s.At(50), Is.EqualTo(0.1f).Within(1e-6));
        Assert.That(s.At(99), Is.LessThan(1e-3f));
    }

    [Test]
    public void StepDividesByTenAtHalfAndThreeQuarters()
    {
        var s = LearningRateSchedule.Parse("step", 1f, totalSteps: 101);
        Assert.That(new[] { s.At(10), s.At(60), s.At(90) }, Is.EqualTo(new[] { 1f, 0.1f, 0.01f }).Within(1e-6));
    }

    [Test]
    public void WarmupRisesLinearlyToTheBaseRate()
    {
        var s = LearningRateSchedule.Parse("constant", 0.4f, totalSteps: 100, warmupSteps: 4);
        Assert.That(new[] { s.At(0), s.At(1), s.At(3), s.At(50) }, Is.EqualTo(new[] { 0.1f, 0.2f, 0.4f, 0.4f }).Within(1e-6));
    }

    [Test]
    public void UnknownKindIsRefused()
    {
        Assert.That(() => LearningRateSchedule.Parse("exp", 0.1f, 10), Throws.ArgumentException.With.Message.Contains("cosine"));
    }
}
