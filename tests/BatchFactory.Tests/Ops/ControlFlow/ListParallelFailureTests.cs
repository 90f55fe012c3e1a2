using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.ControlFlow;

/// <summary>A spawn never loses a child silently: a child whose model call failed keeps its parent waiting, or fills its slot with the failure.</summary>
public sealed class ListParallelFailureTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly FakeChatClient _client = new();
    private bool _refuseB = true;

    public ListParallelFailureTests()
    {
        _client.Answer = (prompt, _) => _refuseB && prompt == "Label: b"
            ? throw new InvalidOperationException("the model refused b")
            : Task.FromResult("answer to " + prompt);
    }

    public void Dispose() => _data.Dispose();

    private static Graph Labels(OnCallFailure onFailure) =>
        FromList([new { id = "p", items = new[] { "a", "b", "c" } }], idxKey: "id")
        | ListParallel(AskLLM("Label: {item}", "m@fake", "label", new AskOptions { OnFailure = onFailure }), "items", "item", "label", "labels")
        | ToList("labels");

    private RunOptions Options(ProjectFolder project) => new()
    {
        Project = project,
        Models = ModelProviders.Default.WithChatClient("fake", _ => _client),
        Broker = new BrokerOptions { Retry = null },
    };

    [Fact]
    public async Task ListParallel_ChildCallFailsUnderStay_ParentWaitsAndARerunCompletesIt()
    {
        await using var project = ProjectFolder.Open("spawn", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        var first = await Labels(OnCallFailure.Stay).RunCheckedAsync(Options(project), TestRuns.Token);
        _refuseB = false;
        var second = await Labels(OnCallFailure.Stay).RunCheckedAsync(Options(project), TestRuns.Token);

        Assert.Empty(first.Values());
        Assert.Contains(first.Summary.Failures, f => f.Idx == "p" && f.OpName == "ListParallel › CollectAllToList" && f.Error.Contains("1 of its 3 children", StringComparison.Ordinal));
        Assert.Contains(first.Summary.Failures, f => f.Idx!.StartsWith("p#", StringComparison.Ordinal) && f.Error.Contains("the model refused b", StringComparison.Ordinal));
        Assert.Equal([new[] { "answer to Label: a", "answer to Label: b", "answer to Label: c" }], second.Values<string[]>());
        Assert.Equal(1, second.Calls);
        Assert.Empty(second.Summary.Failures);
    }

    [Fact]
    public async Task ListParallel_ChildCallFailsUnderEmit_ListKeepsItsLengthWithTheFailureInTheSlot()
    {
        await using var project = ProjectFolder.Open("spawn", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        var result = await Labels(OnCallFailure.Emit).RunCheckedAsync(Options(project), TestRuns.Token);

        var labels = Assert.Single(result.Values())!.AsArray();
        Assert.Equal(3, labels.Count);
        Assert.Equal("answer to Label: a", labels[0]!.GetValue<string>());
        Assert.Equal("failed", labels[1]!["status"]!.GetValue<string>());
        Assert.Contains("the model refused b", labels[1]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("answer to Label: c", labels[2]!.GetValue<string>());
    }

    [Fact]
    public async Task ListParallel_ChildCallFailsUnderStayInANestedSpawn_TheOuterParentWaitsToo()
    {
        var g = FromList([new { id = "p", groups = new[] { "x" } }], idxKey: "id")
            | ListParallel(
                MapField((string g) => new[] { "a", "b" }, "group", "items")
                | ListParallel(AskLLM("Label: {item}", "m@fake", "label"), "items", "item", "label", "labels"),
                "groups",
                "group",
                "labels",
                "all")
            | ToList("all");

        var result = await g.RunCheckedAsync(new RunOptions { Models = ModelProviders.Default.WithChatClient("fake", _ => _client), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);

        Assert.Empty(result.Values());
        Assert.Contains(result.Summary.Failures, f => f.Idx == "p#0" && f.Error.Contains("1 of its 2 children", StringComparison.Ordinal));
        Assert.Contains(result.Summary.Failures, f => f.Idx == "p" && f.Error.Contains("1 of its 1 children", StringComparison.Ordinal));
    }
}
