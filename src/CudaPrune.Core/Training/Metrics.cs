namespace CudaPrune.Core.Training;

/// <summary>Small metric helpers on host arrays.</summary>
public static class Metrics
{
    /// <summary>How many rows of logits [N,K] have their arg-max at the label.</summary>
    public static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            var row = logits.Slice(n * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            if (best == labels[n]) correct++;
        }
        return correct;
    }
}
