using CudaPrune.Core.Training;

namespace CudaPrune.Experiment;

/// <summary>How the experiment shows its progress: a line per phase, and a live view around each training run.</summary>
public interface ICompareProgress
{
    /// <summary>A phase starts or a result is known ("baseline: 85.3 % test accuracy").</summary>
    void Phase(string message);

    /// <summary>Runs a training (or fine-tuning) with a reporter that shows its steps and epochs.</summary>
    TrainingSummary Train(Func<ITrainingReporter, TrainingSummary> training);
}

