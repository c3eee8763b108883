namespace CudaPrune.Pruning.Targets;

/// <summary>
/// Splits a target over S pruning steps (iterative pruning with fine-tuning in between): after step i
/// the model has lost i/S of what the whole target removes, measured on the ORIGINAL model. Each step's
/// target is expressed relative to the model as it is before that step, which is what the pruners take.
/// </summary>
public static class StepSchedule
{
    /// <param name="step">1-based.</param>
    /// <param name="keptSoFar">The current model's FLOPs (or parameters, for a parameter target) over the original's; ignored for a ratio.</param>
    /// <returns>The step's target, or null when the model is already at or past this step's share (nothing to do).</returns>
    public static PruneTarget? ForStep(PruneTarget total, int step, int steps, double keptSoFar)
    {
        if (steps < 1 || step < 1 || step > steps) throw new ArgumentOutOfRangeException(nameof(step), $"step {step} of {steps}");
        double done = (double)step / steps, before = (double)(step - 1) / steps;
        if (total.Kind == PruneTargetKind.Ratio)
        {
            // Of what is left after the previous steps, remove enough to have removed R·i/S of the original.
            double ratio = 1 - (1 - total.Value * done) / (1 - total.Value * before);
            return total with { Value = ratio };
        }
        double keep = 1 - (1 - total.Value) * done;
        double relative = keep / keptSoFar;
        return relative >= 1 ? null : total with { Value = relative };
    }
}
