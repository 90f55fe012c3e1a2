using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Tests.Support;

/// <summary>Runs a graph and checks afterwards that every Dataflow block of the run completed, whatever the outcome.</summary>
internal static class TestRuns
{
    public static async Task<RunResult> RunCheckedAsync(this Graph graph, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<IDataflowBlock> blocks = [];
        options ??= new RunOptions();
        var checkedOptions = new RunOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            BoundedCapacity = options.BoundedCapacity,
            FuseEntryOps = options.FuseEntryOps,
            Output = options.Output,
            Project = options.Project,
            Models = options.Models,
            Prices = options.Prices,
            Broker = options.Broker,
            ThrowOnFailures = options.ThrowOnFailures,
            BrokerFor = options.BrokerFor,
            TimeProvider = options.TimeProvider,
            Monitor = options.Monitor,
            LoggerFactory = options.LoggerFactory,
            OnEntryError = options.OnEntryError,
            StopToken = options.StopToken,
            Sharing = options.Sharing,
            Batch = options.Batch,
            BatchFor = options.BatchFor,
            TraceContent = options.TraceContent,
            OnMaterialized = b => blocks = b,
        };
        try
        {
            return await graph.RunAsync(checkedOptions, cancellationToken);
        }
        finally
        {
            Assert.NotEmpty(blocks);
            Assert.All(blocks, b => Assert.True(b.Completion.IsCompleted, $"a {b.GetType().Name} of the run did not complete"));
        }
    }

    /// <summary>Runs the graph and returns the exception it fails with (it must fail).</summary>
    public static async Task<TException> RunFailingAsync<TException>(this Graph graph, RunOptions? options = null, CancellationToken cancellationToken = default)
        where TException : Exception =>
        await Assert.ThrowsAsync<TException>(() => graph.RunCheckedAsync(options, cancellationToken));

    public static CancellationToken Token => TestContext.Current.CancellationToken;
}
