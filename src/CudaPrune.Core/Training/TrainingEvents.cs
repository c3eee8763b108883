namespace CudaPrune.Core.Training;

/// <summary>Progress within an epoch, after each step.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="Steps">Steps in the epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch (on augmented images).</param>
/// <param name="ImagesPerSecond">Training throughput so far this epoch.</param>
/// <param name="LearningRate">Learning rate of this step.</param>
public sealed record StepProgress(int Epoch, int Step, int Steps, double Loss, double Accuracy, double ImagesPerSecond, float LearningRate);

/// <summary>What one epoch measured (a row of metrics.csv).</summary>
public sealed record EpochMetrics(int Epoch, float LearningRate, double TrainLoss, double TrainAccuracy,
    double TestLoss, double TestAccuracy, double TrainImagesPerSecond, double TrainSeconds, double EvalSeconds);

/// <summary>Receives training progress; the CLI draws it, tests record it.</summary>
public interface ITrainingReporter
{
    void OnStep(StepProgress progress);
    void OnEpoch(EpochMetrics metrics);
}

/// <summary>A reporter that ignores everything.</summary>
public sealed class NullTrainingReporter : ITrainingReporter
{
    public static readonly NullTrainingReporter Instance = new();
    public void OnStep(StepProgress progress) { }
    public void OnEpoch(EpochMetrics metrics) { }
}
