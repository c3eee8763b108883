namespace CudaPrune.Core.Nn;

/// <summary>The initial values of each kind of parameter, as host arrays (the caller uploads them to its backend).</summary>
public static class WeightInit
{
    /// <summary>
    /// Kaiming-normal with fan_out and the ReLU gain (He et al. 2015), as torchvision's ResNets and VGGs
    /// initialise convolutions: N(0, 2 / (OC·K·K)) for a weight [OC,C,K,K].
    /// </summary>
    public static float[] KaimingNormalFanOut(int[] shape, SeededRandom rng)
    {
        if (shape.Length < 2) throw new ArgumentException($"Kaiming init needs a weight of rank 2 or more, got rank {shape.Length}");
        long count = Tensors.Shapes.Count(shape);
        long fanOut = count / shape[1];
        double std = Math.Sqrt(2.0 / fanOut);
        var w = new float[count];
        for (long i = 0; i < count; i++) w[i] = (float)(std * rng.NextNormal());
        return w;
    }

    /// <summary>
    /// PyTorch's default for nn.Linear and for biases: U(-1/√fan_in, 1/√fan_in). (Its weight rule,
    /// kaiming_uniform with a = √5, reduces to this same bound.)
    /// </summary>
    public static float[] UniformFanIn(int count, int fanIn, SeededRandom rng)
    {
        if (fanIn <= 0) throw new ArgumentException($"fan_in must be positive, got {fanIn}");
        double bound = 1.0 / Math.Sqrt(fanIn);
        var w = new float[count];
        for (int i = 0; i < count; i++) w[i] = (float)rng.NextUniform(-bound, bound);
        return w;
    }

    public static float[] Constant(int count, float value)
    {
        var w = new float[count];
        Array.Fill(w, value);
        return w;
    }
}
