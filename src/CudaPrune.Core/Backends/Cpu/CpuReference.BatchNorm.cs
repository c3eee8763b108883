namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    // x[N,C,H,W]; gamma, beta, running statistics and saved statistics [C]; M = N·H·W values per channel

    /// <summary>
    /// Training mode: mean and biased variance over (n, h, w) per channel, y = gamma · (x - mean) / sqrt(var + eps) + beta;
    /// saves mean and 1/sqrt(var + eps); running = (1 - momentum) · running + momentum · batch, with the unbiased variance (· M / (M - 1)).
    /// </summary>
    public static void BatchNormTrainForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, float momentum, float eps,
        Span<float> y, Span<float> saveMean, Span<float> saveInvStd, int N, int C, int HW)
    {
        long M = (long)N * HW;
        for (int c = 0; c < C; c++)
        {
            double sum = 0;
            for (int n = 0; n < N; n++)
            for (int p = 0; p < HW; p++) sum += x[(n * C + c) * HW + p];
            double mean = sum / M;
            double squares = 0;
            for (int n = 0; n < N; n++)
            for (int p = 0; p < HW; p++)
            {
                double d = x[(n * C + c) * HW + p] - mean;
                squares += d * d;
            }
            double variance = squares / M;
            double invStd = 1.0 / Math.Sqrt(variance + eps);
            for (int n = 0; n < N; n++)
            for (int p = 0; p < HW; p++)
            {
                int i = (n * C + c) * HW + p;
                y[i] = (float)(gamma[c] * (x[i] - mean) * invStd + beta[c]);
            }
            saveMean[c] = (float)mean;
            saveInvStd[c] = (float)invStd;
            runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
            runningVar[c] = (float)((1 - momentum) * runningVar[c] + momentum * variance * M / (M - 1));
        }
    }

    /// <summary>Inference mode: y = gamma · (x - running_mean) / sqrt(running_var + eps) + beta.</summary>
    public static void BatchNormEvalForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float eps, Span<float> y, int N, int C, int HW)
    {
        for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
        {
            double invStd = 1.0 / Math.Sqrt(runningVar[c] + (double)eps);
            for (int p = 0; p < HW; p++)
            {
                int i = (n * C + c) * HW + p;
                y[i] = (float)(gamma[c] * (x[i] - runningMean[c]) * invStd + beta[c]);
            }
        }
    }

    /// <summary>
    /// Backward of the training-mode forward, with x̂ = (x - mean) · invStd:
    /// dbeta += Σ dy; dgamma += Σ dy · x̂; dx += gamma · invStd / M · (M · dy - Σ dy - x̂ · Σ dy · x̂).
    /// </summary>
    public static void BatchNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> saveMean, ReadOnlySpan<float> saveInvStd, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
        int N, int C, int HW)
    {
        long M = (long)N * HW;
        for (int c = 0; c < C; c++)
        {
            double mean = saveMean[c], invStd = saveInvStd[c];
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < N; n++)
            for (int p = 0; p < HW; p++)
            {
                int i = (n * C + c) * HW + p;
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean) * invStd;
            }
            dbeta[c] += (float)sumDy;
            dgamma[c] += (float)sumDyXhat;
            for (int n = 0; n < N; n++)
            for (int p = 0; p < HW; p++)
            {
                int i = (n * C + c) * HW + p;
                double xhat = (x[i] - mean) * invStd;
                dx[i] += (float)(gamma[c] * invStd / M * (M * dy[i] - sumDy - xhat * sumDyXhat));
            }
        }
    }
}
