using BatchFactory.Tests.Support;
using Microsoft.Extensions.Logging;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Projects;

public sealed class ProjectFolderTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Open_CreatesOneFolderPerNameAndVersion()
    {
        await using var v1 = Open("poems", "1.0.0");
        await using var v2 = Open("poems", "1.1.0");

        Assert.Equal(Path.Combine(_data.Path, "poems", "1.0.0"), v1.FullPath);
        Assert.True(Directory.Exists(v1.FullPath));
        Assert.NotEqual(v1.FullPath, v2.FullPath);
    }

    [Theory]
    [InlineData("../other")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("name with space")]
    public void Open_NameThatCannotNameOneFolder_IsRefused(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => Open(name, "1"));
    }

    [Fact]
    public async Task Indexer_RelativePath_ResolvesInsideTheFolderWithoutCreatingIt()
    {
        await using var project = Open("p", "1");

        var path = project["out/poems.md"];

        Assert.Equal(Path.Combine(project.FullPath, "out", "poems.md"), path);
        Assert.False(Directory.Exists(Path.Combine(project.FullPath, "out")));
    }

    [Theory]
    [InlineData("../escape.md")]
    [InlineData("out/../../escape.md")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    public async Task Indexer_PathLeadingOutside_IsRefusedNamingThePath(string relative)
    {
        await using var project = Open("p", "1");

        var ex = Assert.Throws<ArgumentException>(() => project[relative]);

        Assert.Contains(relative, ex.Message);
        Assert.Contains("outside the project folder", ex.Message);
    }

    [Fact]
    public async Task Indexer_ThroughASymbolicLinkPointingOutside_IsRefused()
    {
        await using var project = Open("p", "1");
        var outside = Directory.CreateDirectory(_data["outside"]).FullName;
        Directory.CreateSymbolicLink(Path.Combine(project.FullPath, "link"), outside);

        var ex = Assert.Throws<ArgumentException>(() => project["link/secret.txt"]);

        Assert.Contains("symbolic link", ex.Message);
    }

    [Fact]
    public async Task OpenLedger_LedgerFileIsASymbolicLinkPointingOutside_IsRefused()
    {
        await using var project = Open("p", "1");
        var outside = Path.Combine(Directory.CreateDirectory(_data["outside"]).FullName, "elsewhere.jsonl");
        Directory.CreateDirectory(project["ledgers"]);
        File.CreateSymbolicLink(project["ledgers/llm.jsonl"], outside);

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await project.OpenLedgerAsync("llm", TestRuns.Token));

        Assert.Contains("symbolic link", ex.Message);
        Assert.False(File.Exists(outside));
    }

    [Fact]
    public async Task Indexer_ThroughASymbolicLinkStayingInside_IsAllowed()
    {
        await using var project = Open("p", "1");
        var target = Directory.CreateDirectory(Path.Combine(project.FullPath, "real")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(project.FullPath, "alias"), target);

        Assert.Equal(Path.Combine(project.FullPath, "alias", "x.md"), project["alias/x.md"]);
    }

    [Fact]
    public async Task OpenLedger_SameNameTwice_GivesTheSameLedgerUnderLedgersFolder()
    {
        await using var project = Open("p", "1");

        var first = await project.OpenLedgerAsync("calls", TestRuns.Token);
        var second = await project.OpenLedgerAsync("calls", TestRuns.Token);

        Assert.Same(first, second);
        Assert.Equal(Path.Combine(project.FullPath, "ledgers", "calls.jsonl"), first.Location);
    }

    [Fact]
    public async Task Dispose_ClosesItsLedgers_SoTheNextRunCanOpenThemWithEverythingWritten()
    {
        await using (var project = Open("p", "1"))
        {
            var ledger = await project.OpenLedgerAsync("calls", TestRuns.Token);
            await ledger.AppendAsync("a", 1, TestRuns.Token);
        }

        await using var again = Open("p", "1");
        var reopened = await again.OpenLedgerAsync("calls", TestRuns.Token);
        Assert.Equal(1, (await reopened.TryGetAsync("a", TestRuns.Token))!.GetValue<int>());
    }

    [Fact]
    public async Task OpenLedger_AfterDispose_ThrowsObjectDisposed()
    {
        var project = Open("p", "1");
        await project.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await project.OpenLedgerAsync("calls", TestRuns.Token));
    }

    [Fact]
    public void Open_DataDirectoryThatIsAFile_ThrowsLedgerExceptionNamingThePath()
    {
        File.WriteAllText(_data["file"], "x");

        var ex = Assert.Throws<LedgerException>(() => ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _data["file"] }));

        Assert.Contains(_data["file"], ex.Message);
    }

    [Fact]
    public void Options_Default_UseTheJsonlBackend()
    {
        Assert.Same(LedgerBackend.Jsonl, new ProjectFolderOptions().Backend);
    }

    [Fact]
    public async Task OpenLedger_SqliteBackend_KeepsTheLedgerUnderLedgersFolderDotSqlite()
    {
        await using var project = ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = LedgerBackend.Sqlite });

        var ledger = await project.OpenLedgerAsync("calls", TestRuns.Token);

        Assert.Same(LedgerBackend.Sqlite, project.Backend);
        Assert.IsType<SqliteLedger>(ledger);
        Assert.Equal(Path.Combine(project.FullPath, "ledgers", "calls.sqlite"), ledger.Location);
    }

    [Fact]
    public async Task OpenLedger_UserDefinedBackend_IsAskedOnceWithTheProjectsLocation()
    {
        var backend = new RecordingBackend();
        await using var project = ProjectFolder.Open("p", "1.2", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = backend });

        var first = await project.OpenLedgerAsync("calls", TestRuns.Token);
        var second = await project.OpenLedgerAsync("calls", TestRuns.Token);

        Assert.Same(first, second);
        var location = Assert.Single(backend.Asked);
        Assert.Equal(("p", "1.2", "calls", project["ledgers"]), (location.Project, location.Version, location.Name, location.Folder));
    }

    [Fact]
    public void Open_BackendNull_IsRefused()
    {
        Assert.Throws<ArgumentNullException>(() => ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = null! }));
    }

    [Fact]
    public async Task RunAsync_UserDefinedBackend_ServesTheRerunFromItsLedgerAndWritesNoLedgerFile()
    {
        var backend = new MemoryLedgerBackend();
        var fake = new FakeChatClient();
        async Task<RunResult> RunAsync()
        {
            await using var project = ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Backend = backend });
            var g = FromList(["a", "b", "c"], outputKey: "topic", idxKey: "topic") | AskLLM("Tell me about {topic}", "m@fake", "answer") | ToList("answer");
            return await g.RunCheckedAsync(new RunOptions { Project = project, Models = ModelProviders.Default.WithChatClient("fake", _ => fake), Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(3, fake.Calls);
        Assert.Equal(first.Values<string>(), second.Values<string>());
        Assert.Contains("Calls: 0 made, 3 served from the ledger, 0 failed", second.Summary.Format());
        Assert.Equal(2, backend.Opens);
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "p", "1", "ledgers")));
    }

    [Fact]
    public async Task RunAsync_TornLastRecordInAProjectLedger_WarnsThroughTheRunsLoggerFactory()
    {
        var g = FromList(new[] { 1, 2, 3 }, outputKey: "n") | CheckPoint(MapField((int n) => n * n, "n", "square"), "squares") | ToList("square");
        await using (var project = Open("p", "1"))
        {
            await g.RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);
        }

        var ledger = Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "p", "1", "ledgers"), "*.jsonl"));
        File.AppendAllText(ledger, """{"k":"c","v":"cut of""");
        var loggers = new ListLoggerFactory();

        await using (var project = Open("p", "1"))
        {
            var result = await g.RunCheckedAsync(new RunOptions { Project = project, LoggerFactory = loggers }, TestRuns.Token);
            Assert.Equal([1, 4, 9], result.Values<int>());
        }

        var warning = Assert.Single(loggers.Entries, e => e.Category == "BatchFactory.Ledgers");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(ledger, warning.Message);
        Assert.Contains("torn", warning.Message);
    }

    [Fact]
    public async Task OpenLedgerAsync_OutsideARunWithLedgerLogger_WarnsThroughLedgerOptionsLogger()
    {
        await using (var project = Open("p", "1"))
        {
            var written = await project.OpenLedgerAsync("notes", TestRuns.Token);
            await written.AppendAsync("a", 1, TestRuns.Token);
        }

        File.AppendAllText(Path.Combine(_data.Path, "p", "1", "ledgers", "notes.jsonl"), """{"k":"c","v":"cut of""");
        var logger = new ListLogger();

        await using (var project = ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _data.Path, Ledger = new LedgerOptions { Logger = logger } }))
        {
            var ledger = await project.OpenLedgerAsync("notes", TestRuns.Token);
            Assert.Equal(1, ledger.Count);
        }

        Assert.Equal(LogLevel.Warning, Assert.Single(logger.Entries).Level);
    }

    private ProjectFolder Open(string name, string version) =>
        ProjectFolder.Open(name, version, new ProjectFolderOptions { DataDirectory = _data.Path });

    /// <summary>A backend that notes where it was asked to open a ledger, and keeps it in memory.</summary>
    private sealed class RecordingBackend() : LedgerBackend("recording")
    {
        private readonly MemoryLedgerBackend _memory = new();

        public List<LedgerLocation> Asked { get; } = [];

        public override ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default)
        {
            Asked.Add(location);
            return _memory.OpenAsync(location, options, cancellationToken);
        }
    }
}
