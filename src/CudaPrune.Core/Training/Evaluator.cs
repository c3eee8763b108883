using CudaPrune.Core.Autograd;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Training;

/// <summary>Loss and accuracy of a model on a split, in eval mode without grad.</summary>
public static class Evaluator
{
    /// <summary>Result of <see cref="Evaluate"/>.</summary>
    public sealed record Result(double Loss, double Accuracy, int Images, double Seconds)
    {
        /// <summary>Per test image, in the data set's order: whether the model's top class was the label (for paired tests).</summary>
        public IReadOnlyList<bool> Correct { get; init; } = [];
    }

    public static Result Evaluate(Model model, CifarDataset data, int batchSize = 500)
    {
        if (data.Count == 0) throw new ArgumentException("cannot evaluate on an empty data set");
        bool wasTraining = model.IsTraining;
        model.Eval();
        var be = model.Backend;
        double lossSum = 0;
        long correct = 0;
        var perImage = new List<bool>(data.Count);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var _ = GradMode.NoGrad();
            var loader = new DataLoader(data, DataLoaderOptions.Evaluation(batchSize));
            foreach (var batch in loader.Epoch(0))
            {
                using var scope = DisposeScope.Begin();
                var x = be.FromArray(batch.Images, [batch.Count, 3, 32, 32]);
                var y = be.FromArray(batch.Labels, [batch.Count]);
                var logits = model.Forward(x);
                var loss = Ops.CrossEntropy(logits, y);
                lossSum += loss.ToArray()[0] * batch.Count;
                var scores = logits.ToArray();
                int classes = logits.Dim(1);
                for (int i = 0; i < batch.Count; i++)
                {
                    bool right = Metrics.CountCorrect(scores.AsSpan(i * classes, classes), batch.Labels.AsSpan(i, 1), classes) == 1;
                    perImage.Add(right);
                    if (right) correct++;
                }
            }
        }
        finally
        {
            if (wasTraining) model.Train();
        }
        return new Result(lossSum / data.Count, (double)correct / data.Count, data.Count, clock.Elapsed.TotalSeconds) { Correct = perImage };
    }
}
