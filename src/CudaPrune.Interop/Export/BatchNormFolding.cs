namespace CudaPrune.Interop.Export;

/// <summary>
/// Folds an inference batch norm into the convolution before it: bn(conv(x)) = conv'(x) with, per output
/// channel c, s = gamma[c] / sqrt(var[c] + eps), weight'[c] = weight[c] · s, bias'[c] = (bias[c] - mean[c]) · s + beta[c].
/// </summary>
/// <remarks>Computed in double, rounded once to float, like our batch norm kernels compute 1/sqrt(var + eps).</remarks>
public static class BatchNormFolding
{
    /// <param name="weight">[OC, IC, K, K], row-major.</param>
    /// <param name="bias">[OC], or null for a convolution without bias.</param>
    public static (float[] Weight, float[] Bias) Fold(float[] weight, float[]? bias,
        float[] gamma, float[] beta, float[] mean, float[] variance, float eps)
    {
        int outChannels = gamma.Length;
        if (beta.Length != outChannels || mean.Length != outChannels || variance.Length != outChannels || (bias is not null && bias.Length != outChannels))
            throw new ArgumentException($"batch norm folding: gamma, beta, mean, variance and bias must all hold {outChannels} values");
        if (weight.Length % outChannels != 0)
            throw new ArgumentException($"batch norm folding: a weight of {weight.Length} values does not split into {outChannels} output channels");
        int perChannel = weight.Length / outChannels;
        var foldedWeight = new float[weight.Length];
        var foldedBias = new float[outChannels];
        for (int c = 0; c < outChannels; c++)
        {
            double scale = gamma[c] / Math.Sqrt(variance[c] + (double)eps);
            for (int j = c * perChannel; j < (c + 1) * perChannel; j++) foldedWeight[j] = (float)(weight[j] * scale);
            foldedBias[c] = (float)(((bias?[c] ?? 0.0) - mean[c]) * scale + beta[c]);
        }
        return (foldedWeight, foldedBias);
    }
}
