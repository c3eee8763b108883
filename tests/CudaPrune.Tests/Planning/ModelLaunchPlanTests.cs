using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Planning;
using CudaPrune.Core.Models;
using CudaPrune.Profiling.Planning;

namespace CudaPrune.Tests.Planning;

/// <summary>
/// A model's launch plan: every conv layer at every batch size, rows that agree with the planner and the
/// geometry, totals recomputed from the rows. No test pins the planner's choices (its cost model is tuned).
/// </summary>
public class ModelLaunchPlanTests
{
    private static readonly int[] Batches = [1, 256];

    [TestCase(2)]
    [TestCase(3)]
    public void PlansEveryConvLayerOfTheModelInForwardOrderAtEachBatch(int version)
    {
        var spec = ModelZoo.Create("resnet20");

        var plan = ModelLaunchPlan.Build(spec, null, ConvPlanDevice.H100, version, Batches);

        Assert.That(plan.Batches.Select(b => b.Batch), Is.EqualTo(Batches));
        foreach (var batch in plan.Batches)
        {
            var layers = ModelConvLayers.Of(spec, batch.Batch);
            Assert.That(batch.Launches.Select(l => l.Layer), Is.EqualTo(layers.Select(l => l.Name)));
            Assert.That(batch.Launches.Select(l => l.Geometry), Is.EqualTo(layers.Select(l => l.Geometry)));
            Assert.That(batch.Launches, Has.All.Matches<ConvLaunchRow>(l => l.Batch == batch.Batch && l.Plan.Version == version && l.Plan.Op == ConvKernels.Forward));
        }
        Assert.That(plan.Batches[0].Launches, Has.Count.EqualTo(1 + 9 * 2 + 2), "conv1, two convs per block, two projection shortcuts");
    }

    [Test]
    public void RowsRestateThePlannersChoice()
    {
        var device = ConvPlanDevice.H200;
        var planner = new ConvLaunchPlanner(device);

        foreach (var row in ModelLaunchPlan.Build(ModelZoo.Create("resnet20"), null, device, 3, Batches).Batches.SelectMany(b => b.Launches))
        {
            var expected = planner.Plan(ConvKernels.Forward, row.Geometry, 3);
            Assert.That(row.Plan, Is.EqualTo(expected), row.Layer);
            Assert.That(row.Kernel, Is.EqualTo(ConvKernels.TiledKernelName(ConvKernels.Forward, 3, expected.Tile!.Value)));
            Assert.That(row.Tile, Is.EqualTo(expected.Tile.Value.ToString()));
            Assert.That(row.Flops, Is.EqualTo((double)row.Geometry.Flops), "2 · the MACs the layer needs");
            Assert.That(row.BlocksPerSm, Is.EqualTo((double)expected.Blocks / device.Multiprocessors));
            Assert.That(row.UsefulMacFraction, Is.InRange(0.0, 1.0));
            Assert.That(row.ComputedMacs, Is.GreaterThanOrEqualTo(row.UsefulMacs));
            Assert.That(row.WorkspaceBytes, Is.EqualTo(expected.Splits > 1 ? 4L * expected.Splits * row.Geometry.OutputShape.Aggregate(1L, (a, d) => a * d) : 0));
        }
    }

    [Test]
    public void TotalsAreRecomputedFromTheRows()
    {
        foreach (var batch in ModelLaunchPlan.Build(ModelZoo.Create("resnet56"), null, ConvPlanDevice.H100, 3, Batches).Batches)
        {
            double useful = batch.Launches.Sum(l => l.Flops / 2), computed = batch.Launches.Sum(l => l.Flops / 2 / l.UsefulMacFraction);

            Assert.That(batch.UsefulMacFraction, Is.EqualTo(useful / computed).Within(1e-12));
            Assert.That(batch.Underfilled.Select(l => l.Layer),
                Is.EqualTo(batch.Launches.Where(l => l.Flops > 1e6 && l.Blocks < 132).Select(l => l.Layer)));
        }
    }

    [Test]
    public void ABadVersionOrNoBatchIsRefused()
    {
        var spec = ModelZoo.Create("resnet20");

        Assert.That(() => ModelLaunchPlan.Build(spec, null, ConvPlanDevice.H100, 4, Batches), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("versions 1, 2, 3"));
        Assert.That(() => ModelLaunchPlan.Build(spec, null, ConvPlanDevice.H100, 3, []), Throws.ArgumentException);
    }

    [Test]
    public void PresetsAreNamedAndTheErrorListsThem()
    {
        Assert.That(PlanDevices.Named("H200"), Is.EqualTo(ConvPlanDevice.H200));
        Assert.That(() => PlanDevices.Named("a100"), Throws.ArgumentException.With.Message.Contains("unknown GPU 'a100'").And.Message.Contains("h100, h200"));
    }
}
