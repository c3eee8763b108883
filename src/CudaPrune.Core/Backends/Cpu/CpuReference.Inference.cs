namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    /// <summary>y = conv(x, w) + b, then max(0, y) when <paramref name="relu"/> (see <see cref="Conv2dForward"/>).</summary>
    public static void Conv2dBiasReluForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Conv2dGeometry g, bool relu)
    {
        Conv2dForward(x, w, b, y, g);
        if (!relu) return;
        for (int i = 0; i < y.Length; i++) y[i] = NanMath.Relu(y[i]);
    }

    /// <summary>
    /// s = gamma[oc] / sqrt(var[oc] + eps); wOut[oc, i] = w[oc, i] · s; bOut[oc] = beta[oc] + (b[oc] - mean[oc]) · s
    /// (b empty: 0). w, wOut [OC, per]; the rest [OC].
    /// </summary>
    public static void FoldBatchNorm(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> var, float eps, Span<float> wOut, Span<float> bOut, int OC, int per)
    {
        for (int oc = 0; oc < OC; oc++)
        {
            double s = gamma[oc] / Math.Sqrt((double)var[oc] + eps);
            for (int i = 0; i < per; i++) wOut[oc * per + i] = (float)(w[oc * per + i] * s);
            bOut[oc] = (float)(beta[oc] + ((b.IsEmpty ? 0.0 : b[oc]) - mean[oc]) * s);
        }
    }
}
