using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Driver;

namespace CudaPrune.Profiling.Bench;

/// <summary>
/// The cases of <c>bench kernels</c>: every SGEMM version and cuBLAS at square sizes, and every version of
/// the four convolution kernels at each distinct conv layer of the chosen models and batch sizes.
/// </summary>
public static class KernelBenchPlan
{
    /// <summary>The cuBLAS yardstick's kernel label.</summary>
    public const string CublasKernel = "cublasSgemm";

    /// <summary>
    /// The groups to run: GEMMs first, then the conv layers model by model (a geometry two models share
    /// runs once, under the first). cuBLAS cases only when <paramref name="cublas"/> is given.
    /// </summary>
    public static IReadOnlyList<KernelBenchGroup> Build(CudaBackend backend, CublasHandle? cublas, KernelBenchOptions options)
    {
        var groups = new List<KernelBenchGroup>();
        foreach (int size in options.GemmSizes)
            groups.Add(GemmGroup(backend, cublas, size));
        foreach (var (source, g) in ConvLayers(options))
            groups.Add(ConvGroup(backend, source, g, options.AllTiles));
        return [.. groups
            .Select(g => g with { Cases = [.. g.Cases.Where(c => Matches(c, options.Filters))] })
            .Where(g => g.Cases.Count > 0)];
    }

    /// <summary>
    /// The distinct conv geometries of the options' models at each batch size (batches outer, models
    /// inner), each named after its first layer ("resnet20 layer1.0.conv1"): the order
    /// bench/pytorch_reference.py lists them in too.
    /// </summary>
    public static IReadOnlyList<(string Source, Conv2dGeometry Geometry)> ConvLayers(KernelBenchOptions options)
    {
        var seen = new HashSet<Conv2dGeometry>();
        var layers = new List<(string, Conv2dGeometry)>();
        foreach (int batch in options.Batches)
        foreach (string model in options.Models)
        foreach (var (layer, g) in ModelConvLayers.Distinct(ModelZoo.Create(model), batch))
            if (seen.Add(g)) layers.Add(($"{model} {layer}", g));
        return layers;
    }

    /// <summary>The key bench/pytorch_reference.py writes for a convolution shape.</summary>
    public static string ConvKey(Conv2dGeometry g) =>
        $"n{g.N}_c{g.C}_h{g.H}_w{g.W}_oc{g.OC}_k{g.K}_s{g.Stride}_p{g.Padding}";

    private static KernelBenchGroup GemmGroup(CudaBackend backend, CublasHandle? cublas, int size)
    {
        string shape = $"M=N=K={size}";
        string key = $"gemm_m{size}_n{size}_k{size}";
        double flops = 2.0 * size * size * size, bytes = 4.0 * 3 * size * size;
        var cases = GemmKernels.GemmVersions
            .Select(v => new KernelBenchCase("gemm", GemmKernels.Gemm, v, $"{GemmKernels.Gemm}_kernel{v}", "square", 0, shape, key, flops, bytes,
                b => b.Versions.Set(GemmKernels.Gemm, v)))
            .ToList();
        if (cublas is not null)
            cases.Add(new KernelBenchCase("gemm", KernelGemmWorkload.CublasOp, 0, CublasKernel, "square", 0, shape, key, flops, bytes, _ => { }));
        return new KernelBenchGroup(shape, () => new KernelGemmWorkload(backend, cublas, size, size, size), cases);
    }

    private static KernelBenchGroup ConvGroup(CudaBackend backend, string source, Conv2dGeometry g, bool allTiles)
    {
        long inputs = Shapes.Count(g.InputShape), weights = Shapes.Count(g.WeightShape), outputs = Shapes.Count(g.OutputShape);
        var ops = new List<(string Op, double Flops, double Bytes)>
        {
            (ConvKernels.Forward, g.Flops, 4.0 * (inputs + weights + outputs)),
            (ConvKernels.BiasReluForward, g.Flops + outputs, 4.0 * (inputs + weights + g.OC + outputs)),
        };
        // A network's first conv needs no input gradient: its data gradient is never run in training.
        if (g.C > 3) ops.Add((ConvKernels.BackwardData, g.Flops, 4.0 * (outputs + weights + 2 * inputs)));
        ops.Add((ConvKernels.BackwardWeight, g.Flops, 4.0 * (outputs + inputs + 2 * weights)));

        var cases = new List<KernelBenchCase>();
        foreach (var (op, flops, bytes) in ops)
        {
            cases.Add(Case(op, 1, $"{op}_kernel1", flops, bytes, b => b.Versions.Set(op, 1)));
            // Versions 2 and 3: the planner's choice (tile and split-K) for this shape, and with allTiles every
            // generic tile at the planner's splits for it.
            foreach (int version in new[] { 2, 3 })
            {
                var planned = backend.ConvPlanner.Plan(op, g, version);
                var tiles = allTiles && version == 2 ? ConvKernels.GenericTiles : [planned.Tile!.Value];
                foreach (var tile in tiles)
                {
                    var plan = backend.ConvPlanner.Plan(op, g, version, tile);
                    string kernel = ConvKernels.TiledKernelName(op, version, tile) + (version == 3 ? $" {tile}" : "")
                                    + (plan.Splits > 1 ? $" split-K {plan.Splits}" : "");
                    cases.Add(Case(op, version, kernel, flops, bytes, b =>
                    {
                        b.Versions.Set(op, version);
                        b.ConvTileOverride = tile;
                    }));
                }
            }
        }
        return new KernelBenchGroup($"{source} {g}", () => new KernelConvWorkload(backend, g), cases);

        KernelBenchCase Case(string op, int version, string kernel, double flops, double bytes, Action<CudaBackend> select) =>
            new("conv", op, version, kernel, source, g.N, g.ToString(), ConvKey(g), flops, bytes, select);
    }

    private static bool Matches(KernelBenchCase c, IReadOnlyList<string> filters) =>
        filters.Count == 0 || filters.Any(f =>
            new[] { c.Kernel, c.Op, c.Source, c.Shape }.Any(s => s.Contains(f, StringComparison.OrdinalIgnoreCase)));
}
