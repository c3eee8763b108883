namespace CudaPrune.Core.Backends.Cpu;

/// <summary>
/// Batch-norm fast paths: parallel over channels; per channel, vectorised passes over its N planes, and
/// the normalisation folded into one map per channel, y = (x - mean) · scale + beta.
/// </summary>
internal static class CpuBatchNorm
{
    // x[N,C,HW]; M = N·HW values per channel

    private static void ForChannels(int threads, int C, long M, Action<int, int> body) =>
        CpuParallel.For(CpuParallel.ThreadsFor(C * M, threads, 1 << 15), C, body);

    public static void TrainForward(int threads, float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
        float momentum, float eps, float[] y, float[] saveMean, float[] saveInvStd, int N, int C, int HW)
    {
        long M = (long)N * HW;
        ForChannels(threads, C, M, (c0, c1) =>
        {
            for (int c = c0; c < c1; c++)
            {
                double sum = 0;
                for (int n = 0; n < N; n++) sum += CpuVector.Total(x.AsSpan((n * C + c) * HW, HW));
                float mean = (float)(sum / M);
                double squares = 0;
                for (int n = 0; n < N; n++) squares += CpuVector.SquaredDeviation(x.AsSpan((n * C + c) * HW, HW), mean);
                double variance = squares / M;
                float invStd = (float)(1.0 / Math.Sqrt(variance + eps));
                float scale = gamma[c] * invStd;
                for (int n = 0; n < N; n++)
                    CpuVector.Normalize(x.AsSpan((n * C + c) * HW, HW), mean, scale, beta[c], y.AsSpan((n * C + c) * HW, HW));
                saveMean[c] = mean;
                saveInvStd[c] = invStd;
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean;
                runningVar[c] = (float)((1 - momentum) * runningVar[c] + momentum * variance * M / (M - 1));
            }
        });
    }

    public static void EvalForward(int threads, float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
        float eps, float[] y, int N, int C, int HW) =>
        ForChannels(threads, C, (long)N * HW, (c0, c1) =>
        {
            for (int c = c0; c < c1; c++)
            {
                float scale = (float)(gamma[c] / Math.Sqrt(runningVar[c] + (double)eps));
                for (int n = 0; n < N; n++)
                    CpuVector.Normalize(x.AsSpan((n * C + c) * HW, HW), runningMean[c], scale, beta[c], y.AsSpan((n * C + c) * HW, HW));
            }
        });

    /// <summary>dx += a·dy + b·(x - mean) + c per channel: the reference formula expanded (see <see cref="CpuReference.BatchNormBackward"/>).</summary>
    public static void Backward(int threads, float[] dy, float[] x, float[] gamma, float[] saveMean, float[] saveInvStd,
        float[] dx, float[] dgamma, float[] dbeta, int N, int C, int HW)
    {
        long M = (long)N * HW;
        ForChannels(threads, C, M, (c0, c1) =>
        {
            for (int c = c0; c < c1; c++)
            {
                float mean = saveMean[c];
                double invStd = saveInvStd[c];
                double sumDy = 0, sumDyXc = 0;
                for (int n = 0; n < N; n++)
                {
                    var (s1, s2) = CpuVector.DySums(dy.AsSpan((n * C + c) * HW, HW), x.AsSpan((n * C + c) * HW, HW), mean);
                    sumDy += s1;
                    sumDyXc += s2;
                }
                double sumDyXhat = sumDyXc * invStd;
                dbeta[c] += (float)sumDy;
                dgamma[c] += (float)sumDyXhat;
                double a = gamma[c] * invStd;
                double b = -gamma[c] * invStd * invStd * sumDyXhat / M;
                double shift = -a * sumDy / M;
                for (int n = 0; n < N; n++)
                    CpuVector.AddNormalizeGradient(dx.AsSpan((n * C + c) * HW, HW), dy.AsSpan((n * C + c) * HW, HW), (float)a,
                        x.AsSpan((n * C + c) * HW, HW), mean, (float)b, (float)shift);
            }
        });
    }
}
