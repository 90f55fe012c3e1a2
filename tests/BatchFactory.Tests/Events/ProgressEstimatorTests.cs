using BatchFactory.Events;

namespace BatchFactory.Tests.Events;

public sealed class ProgressEstimatorTests
{
    // FromList(1,000) -> Filter -> ToList
    private static readonly OpInfo[] s_ops =
    [
        new(0, "FromList", "FromList", false, 1000, []),
        new(1, "Filter", "Filter", false, null, [0]),
        new(2, "ToList", "ToList", false, null, [1]),
    ];

    private static OpStats[] Counts(long read, long filtered, long kept) =>
    [
        new(0, "FromList", "FromList", 0, read, 0),
        new(1, "Filter", "Filter", filtered, kept, filtered - kept),
        new(2, "ToList", "ToList", kept, 0, 0),
    ];

    [Fact]
    public void Estimate_SourceOfKnownSize_GivesRateAndTimeLeft()
    {
        var estimator = new ProgressEstimator(s_ops);
        estimator.Estimate(Counts(0, 0, 0), TimeSpan.Zero);

        var ops = estimator.Estimate(Counts(100, 100, 50), TimeSpan.FromSeconds(1));

        Assert.Equal((100.0, 1000L, TimeSpan.FromSeconds(9)), (ops[0].EntriesPerSecond, ops[0].ExpectedIn, ops[0].Eta));
        Assert.Equal(1000, ops[1].ExpectedIn);
        Assert.Equal(500, ops[2].ExpectedIn);
        Assert.Equal(TimeSpan.FromSeconds(9), ops[2].Eta);
    }

    [Fact]
    public void Estimate_FirstSample_HasNoRateAndNoTimeLeft()
    {
        var ops = new ProgressEstimator(s_ops).Estimate(Counts(10, 10, 5), TimeSpan.FromSeconds(1));

        Assert.Equal((0.0, (TimeSpan?)null), (ops[0].EntriesPerSecond, ops[0].Eta));
    }

    [Fact]
    public void Estimate_SourceOfUnknownSize_LeavesEverythingDownstreamUnknown()
    {
        OpInfo[] ops = [s_ops[0] with { KnownCount = null }, s_ops[1], s_ops[2]];

        var progress = new ProgressEstimator(ops).Estimate(Counts(10, 10, 5), TimeSpan.FromSeconds(1));

        Assert.All(progress, p => Assert.Null(p.ExpectedIn));
    }

    [Fact]
    public void Estimate_DownstreamOfAnOpWithSeveralOutPorts_IsUnknown_ButTheOpItselfIsEstimated()
    {
        // FromList(1,000) -> If (2 out-ports) -> EndIf (both branches) -> ToList
        OpInfo[] ops =
        [
            new(0, "FromList", "FromList", false, 1000, []),
            new(1, "If", "If", false, null, [0], OutputPorts: 2),
            new(2, "EndIf", "EndIf", false, null, [1, 1]),
            new(3, "ToList", "ToList", false, null, [2]),
        ];
        OpStats[] counts =
        [
            new(0, "FromList", "FromList", 0, 100, 0),
            new(1, "If", "If", 100, 100, 0),
            new(2, "EndIf", "EndIf", 100, 100, 0),
            new(3, "ToList", "ToList", 100, 0, 0),
        ];

        var progress = new ProgressEstimator(ops).Estimate(counts, TimeSpan.FromSeconds(1));

        Assert.Equal(1000, progress[1].ExpectedIn);
        Assert.Null(progress[2].ExpectedIn);
        Assert.Null(progress[3].ExpectedIn);
    }

    [Fact]
    public void Estimate_AllDone_GivesZeroTimeLeft()
    {
        var ops = new ProgressEstimator(s_ops).Estimate(Counts(1000, 1000, 500), TimeSpan.FromSeconds(1));

        Assert.All(ops, p => Assert.Equal(TimeSpan.Zero, p.Eta));
    }

    [Fact]
    public void Estimate_ModelOpThatTookEveryEntryInButAnsweredFew_GivesTheTimeLeftForTheCallsStillToMake()
    {
        // FromList(1,000) -> AskLLM -> ToList: the source and the model op's intake are done after 1 s; calls trail.
        OpInfo[] ops =
        [
            new(0, "FromList", "FromList", false, 1000, []),
            new(1, "AskLLM", "AskLLM", true, null, [0]),
            new(2, "ToList", "ToList", false, null, [1]),
        ];
        OpStats[] Counts(long answered, long cached) =>
        [
            new(0, "FromList", "FromList", 0, 1000, 0),
            new(1, "AskLLM", "AskLLM", 1000, answered + cached, 0, new BrokerStats("m@fake", answered, cached, 0, 0, 0, 0m)),
            new(2, "ToList", "ToList", answered + cached, 0, 0),
        ];
        var estimator = new ProgressEstimator(ops);
        estimator.Estimate(Counts(0, 0), TimeSpan.FromSeconds(1));
        estimator.Estimate(Counts(40, 10), TimeSpan.FromSeconds(2));

        var progress = estimator.Estimate(Counts(80, 20), TimeSpan.FromSeconds(3));
        var run = new RunProgress(TimeSpan.FromSeconds(3), progress, IsFinal: false);

        Assert.Equal(TimeSpan.Zero, progress[0].Eta);
        Assert.Equal(TimeSpan.FromSeconds(18), progress[1].Eta); // 900 requests left at 50 answered per second
        Assert.Equal(TimeSpan.FromSeconds(18), run.Eta);
        Assert.Equal(40.0, progress[1].CallsPerSecond);
    }

    [Fact]
    public void Estimate_ModelOpWithEveryRequestAnswered_HasNoTimeLeft()
    {
        OpInfo[] ops = [new(0, "FromList", "FromList", false, 10, []), new(1, "AskLLM", "AskLLM", true, null, [0])];
        OpStats[] counts = [new(0, "FromList", "FromList", 0, 10, 0), new(1, "AskLLM", "AskLLM", 10, 9, 0, new BrokerStats("m@fake", 5, 4, 1, 0, 0, 0m))];
        var estimator = new ProgressEstimator(ops);
        estimator.Estimate(counts, TimeSpan.FromSeconds(1));

        var progress = estimator.Estimate(counts, TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.Zero, progress[1].Eta);
    }
}
