using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Testing;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Resume;

/// <summary>
/// Runs tests/BatchFactory.ResumeProbe in <c>--llm</c> mode (<c>AskLLM("Question {n}", "gpt-4o-mini@openai")</c> per
/// number, through the OpenAI SDK, against a loopback server with latency) as a separate process, stops it mid-run,
/// reruns it against the same server, and checks from the server's request log that the rerun asked again only the
/// questions that were in flight at the stop: every answer the project's llm ledger held is served from there.
/// </summary>
public sealed class LlmKillAndResumeTests : IAsyncLifetime
{
    private const int Count = 200;
    private const int Concurrency = 8;
    private const string Model = "gpt-4o-mini";

    // Stop once about a quarter of the questions have been asked, well before the run could finish.
    private const int RequestsBeforeStop = Count / 4;

    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // How long the server must receive nothing after the stopped probe exited before its requests are counted: a
    // request the probe wrote to its socket just before dying may still be read by the server.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private readonly TempFolder _temp = new();
    private readonly List<ResumeProbeProcess> _probes = [];
    private OpenAICompatibleServer _server = null!;

    /// <summary>What an uninterrupted run writes: the server's answer to each question, in order.</summary>
    private static string ExpectedOutput =>
        string.Concat(Enumerable.Range(0, Count).Select(n => string.Create(CultureInfo.InvariantCulture, $"Echo[{Model}]: Question {n}\n")));

    public async ValueTask InitializeAsync() =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = Latency }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes)
        {
            probe.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task ProcessKill_MidRun_RerunAsksOnlyQuestionsInFlightAtTheKill_AndFinishesWithIdenticalOutput()
    {
        var files = new ProbeFiles(_temp.Path);
        var first = Start(files);
        await WaitForRequestsAsync(first, RequestsBeforeStop);

        first.Kill();
        await first.WaitForExitAsync(Patience, "being killed");

        Assert.False(File.Exists(files.Output), "The killed run wrote its output, so it was not stopped mid-run.");
        var askedBeforeStop = await QuietRequestsAsync();
        await RerunAndAssertResumedAsync(files, askedBeforeStop, storedBeforeStop: files.ReadAnsweredQuestions());
    }

    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGTERM")]
    public async Task CooperativeCancel_MidRun_ExitsWith130KeepingEveryStoredAnswer_AndRerunAsksOnlyQuestionsInFlight(string signal)
    {
        PosixSignals.SkipUnlessDeliverable(signal);
        var files = new ProbeFiles(_temp.Path);
        var first = Start(files);
        await WaitForRequestsAsync(first, RequestsBeforeStop);
        var storedWellBefore = files.ReadAnsweredQuestions();

        first.Signal(signal);
        var exitCode = await first.WaitForExitAsync(Patience, signal);

        Assert.True(exitCode == 130, $"After {signal} the probe should stop cooperatively with exit code 130, not {exitCode}. {first.Console}");
        Assert.False(File.Exists(files.Output), "The cancelled run wrote its output.");
        Assert.False(File.Exists(files.LedgerLock), "The probe exited without disposing its project: the llm ledger's lock file is still there.");
        var stored = files.ReadAnsweredQuestions();
        var lost = storedWellBefore.Except(stored).Order().ToList();
        Assert.True(lost.Count == 0, $"Answers stored before the {signal} are missing from the ledger after it: questions {string.Join(", ", lost)}.");
        await RerunAndAssertResumedAsync(files, await QuietRequestsAsync(), stored);
    }

    // Reruns the probe in the stopped run's folders against the same server and checks its output and what it asked.
    private async Task RerunAndAssertResumedAsync(ProbeFiles files, IReadOnlyList<ReceivedRequest> askedBeforeStop, HashSet<int> storedBeforeStop)
    {
        var questionsBeforeStop = askedBeforeStop.Select(Question).ToList();
        Assert.NotEmpty(storedBeforeStop);
        var storedButNeverAsked = storedBeforeStop.Except(questionsBeforeStop).Order().ToList();
        Assert.True(storedButNeverAsked.Count == 0, $"The ledger holds answers the server was never asked for: questions {string.Join(", ", storedButNeverAsked)}.");
        var inFlight = questionsBeforeStop.Distinct().Except(storedBeforeStop).Order().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Before the stop: {askedBeforeStop.Count} requests, {storedBeforeStop.Count} answers stored, {inFlight.Count} in flight ({string.Join(", ", inFlight)}).");
        Assert.True(
            inFlight.Count <= Concurrency,
            $"{inFlight.Count} questions were asked but not stored at the stop, more than the {Concurrency} allowed in flight: {string.Join(", ", inFlight)}.");

        var rerun = Start(files);
        var exitCode = await rerun.WaitForExitAsync(Patience, "running to completion");

        Assert.True(exitCode == 0, $"The rerun failed with exit code {exitCode}. {rerun.Console}");
        Assert.Equal(ExpectedOutput, File.ReadAllText(files.Output));
        var all = _server.Requests;
        var firstNumberOfRerun = askedBeforeStop.Count == 0 ? 1 : askedBeforeStop[^1].Number + 1;
        var askedByRerun = all.Where(r => r.Number >= firstNumberOfRerun).Select(Question).ToList();
        var askedAgain = askedByRerun.Where(storedBeforeStop.Contains).Distinct().Order().ToList();
        Assert.True(askedAgain.Count == 0, $"The rerun asked again questions whose answers the ledger had stored: {string.Join(", ", askedAgain)}.");
        var missing = Enumerable.Range(0, Count).Where(n => !storedBeforeStop.Contains(n)).ToList();
        Assert.Equal(missing, askedByRerun.Order().ToList());
        Assert.True(
            all.Count <= Count + inFlight.Count,
            $"The server was asked {all.Count} times for {Count} questions; only the {inFlight.Count} in flight at the stop may be asked twice.");
    }

    private ResumeProbeProcess Start(ProbeFiles files)
    {
        var probe = ResumeProbeProcess.Start(
            files.Arguments,
            new Dictionary<string, string>
            {
                [OpenAIProvider.ApiKeyVariable] = "test",
                [OpenAIProvider.BaseUrlVariable] = _server.BaseUri.ToString(),
            });
        _probes.Add(probe);
        return probe;
    }

    // Polls the server until it has received at least `requests` requests.
    private async Task WaitForRequestsAsync(ResumeProbeProcess probe, int requests)
    {
        var waited = Stopwatch.StartNew();
        while (_server.TotalRequests < requests)
        {
            if (probe.HasExited)
            {
                Assert.Fail($"The probe exited (code {probe.ExitCode}) after {_server.TotalRequests} requests; the test waited for {requests}. {probe.Console}");
            }

            if (waited.Elapsed > Patience)
            {
                Assert.Fail($"The probe made only {_server.TotalRequests} requests in {Patience.TotalSeconds} s; the test waited for {requests}.");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    // The server's requests once it has received none for `Quiet` (the stopped probe has exited by then).
    private async Task<IReadOnlyList<ReceivedRequest>> QuietRequestsAsync()
    {
        var waited = Stopwatch.StartNew();
        var count = _server.TotalRequests;
        var since = Stopwatch.StartNew();
        while (since.Elapsed < Quiet)
        {
            Assert.True(waited.Elapsed < Patience, $"The server kept receiving requests for {Patience.TotalSeconds} s after the probe exited.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
            if (_server.TotalRequests != count)
            {
                count = _server.TotalRequests;
                since.Restart();
            }
        }

        var requests = _server.Requests;
        Assert.Equal(count, requests.Count);
        return requests;
    }

    // The question number a request asked: its only message is "Question {n}".
    private static int Question(ReceivedRequest request)
    {
        var text = Assert.Single(request.Texts);
        Assert.StartsWith("Question ", text, StringComparison.Ordinal);
        return int.Parse(text["Question ".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>The files of one probe run (and of its reruns) under <paramref name="Folder"/>.</summary>
    private sealed record ProbeFiles(string Folder)
    {
        private const string AnswerPrefix = $"Echo[{Model}]: Question ";

        public string DataDirectory => Path.Combine(Folder, "data");

        public string Output => Path.Combine(Folder, "output.txt");

        public string Ledger => Path.Combine(DataDirectory, "resume-probe", "1", "ledgers", "llm.jsonl");

        public string LedgerLock => Ledger + ".lock";

        /// <summary>The probe's command line for these files.</summary>
        public string[] Arguments =>
        [
            "--llm",
            "--data-dir", DataDirectory,
            "--count", Count.ToString(CultureInfo.InvariantCulture),
            "--out", Output,
            "--dop", Concurrency.ToString(CultureInfo.InvariantCulture),
        ];

        /// <summary>
        /// The questions whose answers the llm ledger holds: line 1 is the header, then one
        /// <c>{"k":"chat-v1:…","v":{"text":"Echo[gpt-4o-mini]: Question 17",…}}</c> per line. A line torn by a kill,
        /// and a failed call's record (no text), are skipped.
        /// </summary>
        public HashSet<int> ReadAnsweredQuestions()
        {
            var answered = new HashSet<int>();
            foreach (var line in GrowingFile.CompleteLines(Ledger).Skip(1))
            {
                try
                {
                    if (JsonNode.Parse(line)?["v"]?["text"] is JsonValue text && text.GetValue<string>() is { } answer)
                    {
                        Assert.StartsWith(AnswerPrefix, answer, StringComparison.Ordinal);
                        answered.Add(int.Parse(answer[AnswerPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture));
                    }
                }
                catch (JsonException)
                {
                }
            }

            return answered;
        }
    }
}
