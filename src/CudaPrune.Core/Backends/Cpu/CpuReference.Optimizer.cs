namespace CudaPrune.Core.Backends.Cpu;

public static partial class CpuReference
{
    /// <summary>
    /// PyTorch's SGD (dampening 0), per element: g = grad + wd·param; buf = momentum·buf + g;
    /// g = nesterov ? g + momentum·buf : buf; param -= lr·g. With momentum 0 the buffer is not used (may be empty).
    /// </summary>
    public static void SgdStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, SgdParameters p)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = grad[i] + p.WeightDecay * param[i];
            if (p.Momentum != 0f)
            {
                momentumBuffer[i] = p.Momentum * momentumBuffer[i] + g;
                g = p.Nesterov ? g + p.Momentum * momentumBuffer[i] : momentumBuffer[i];
            }
            param[i] -= p.LearningRate * g;
        }
    }
}
