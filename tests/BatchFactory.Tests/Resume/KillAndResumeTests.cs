using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Resume;

/// <summary>
/// Runs tests/BatchFactory.ResumeProbe (numbers through <c>CheckPoint("work", slow work)</c>, each piece of work logged
/// to a side-effect log) as a separate process, stops it mid-run, reruns it, and checks that the rerun ends with the
/// output of an uninterrupted run without redoing the work of any entry the checkpoint's ledger had stored.
/// </summary>
public sealed class KillAndResumeTests : IClassFixture<KillAndResumeTests.UninterruptedRun>, IDisposable
{
    private const int Count = 160;
    private const int WorkMilliseconds = 40;
    private const int Parallelism = 4;

    // The work logged but not yet in the ledger when the run stops: one entry per parallel slot of the body, plus the
    // entries that came out of the body but still sat in its output buffer, which a stop drops; on a loaded machine
    // that buffer can hold a few.
    private const int InFlightBound = 2 * Parallelism + 2;

    // Stop once about a quarter of the work is done, well before the run could finish.
    private const int LinesBeforeStop = Count / 4;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly UninterruptedRun _baseline;
    private readonly TempFolder _temp = new();
    private readonly List<ResumeProbeProcess> _probes = [];

    public KillAndResumeTests(UninterruptedRun baseline) => _baseline = baseline;

    public void Dispose()
    {
        foreach (var probe in _probes)
        {
            probe.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task ProcessKill_MidRun_RerunFinishesWithIdenticalOutputAndRedoesNoStoredEntry()
    {
        var files = new ProbeFiles(_temp.Path);
        var first = Start(files);
        await WaitForLogLinesAsync(first, files, LinesBeforeStop);

        first.Kill();
        await first.WaitForExitAsync(Patience, "being killed");

        Assert.False(File.Exists(files.Output), "The killed run wrote its output, so it was not stopped mid-run.");
        await RerunAndAssertResumedAsync(files, storedBeforeStop: files.ReadStoredEntries(), loggedBeforeStop: files.ReadLog());
    }

    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGTERM")]
    public async Task CooperativeCancel_MidRun_ExitsWith130KeepingFinishedWork_AndRerunRedoesOnlyWorkInFlight(string signal)
    {
        PosixSignals.SkipUnlessDeliverable(signal);
        var files = new ProbeFiles(_temp.Path);
        var first = Start(files);
        var finishedWellBefore = (await WaitForLogLinesAsync(first, files, LinesBeforeStop)).ToHashSet();
        await WaitForLogLinesAsync(first, files, LinesBeforeStop + (2 * Parallelism));

        first.Signal(signal);
        var exitCode = await first.WaitForExitAsync(Patience, $"{signal}");

        Assert.True(exitCode == 130, $"After {signal} the probe should stop cooperatively with exit code 130, not {exitCode}. {first.Console}");
        Assert.False(File.Exists(files.Output), "The cancelled run wrote its output.");
        Assert.False(File.Exists(files.LedgerLock), "The probe exited without disposing its project: the ledger's lock file is still there.");
        var stored = files.ReadStoredEntries();
        var lost = finishedWellBefore.Except(stored).Order().ToList();
        Assert.True(lost.Count == 0, $"Work that finished well before the cancel is missing from the ledger: entries {string.Join(", ", lost)}.");
        await RerunAndAssertResumedAsync(files, stored, loggedBeforeStop: files.ReadLog());
    }

    // Reruns the probe in the stopped run's folders and checks the result and what work the rerun did.
    private async Task RerunAndAssertResumedAsync(ProbeFiles files, HashSet<int> storedBeforeStop, List<int> loggedBeforeStop)
    {
        Assert.NotEmpty(storedBeforeStop);
        Assert.Subset(loggedBeforeStop.ToHashSet(), storedBeforeStop);

        var rerun = Start(files);
        var exitCode = await rerun.WaitForExitAsync(Patience, "running to completion");

        Assert.True(exitCode == 0, $"The rerun failed with exit code {exitCode}. {rerun.Console}");
        Assert.Equal(_baseline.Output, File.ReadAllText(files.Output));
        var log = files.ReadLog();
        var timesDone = log.CountBy(n => n).ToDictionary();
        var redoneAfterStored = storedBeforeStop.Where(n => timesDone[n] != 1).Order().ToList();
        Assert.True(redoneAfterStored.Count == 0, $"The rerun redid the work of entries the ledger had stored: {string.Join(", ", redoneAfterStored)}.");
        var neverDone = Enumerable.Range(0, Count).Where(n => !timesDone.ContainsKey(n)).ToList();
        Assert.True(neverDone.Count == 0, $"No run did the work of entries {string.Join(", ", neverDone)}.");
        var doneTwice = timesDone.Where(t => t.Value > 1).Select(t => t.Key).Order().ToList();
        Assert.True(
            log.Count <= Count + InFlightBound,
            $"The work was done {log.Count} times for {Count} entries; only work in flight at the stop (at most {InFlightBound}) may be redone, " +
            $"but entries {string.Join(", ", doneTwice)} were done more than once.");
    }

    private ResumeProbeProcess Start(ProbeFiles files)
    {
        var probe = ResumeProbeProcess.Start(files.Arguments);
        _probes.Add(probe);
        return probe;
    }

    // Polls the side-effect log until it has at least `lines` lines; returns them.
    private static async Task<List<int>> WaitForLogLinesAsync(ResumeProbeProcess probe, ProbeFiles files, int lines)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var logged = files.ReadLog();
            if (logged.Count >= lines)
            {
                return logged;
            }

            if (probe.HasExited)
            {
                Assert.Fail($"The probe exited (code {probe.ExitCode}) after {logged.Count} pieces of work; the test waited for {lines}. {probe.Console}");
            }

            if (waited.Elapsed > Patience)
            {
                Assert.Fail($"The probe did only {logged.Count} pieces of work in {Patience.TotalSeconds} s; the test waited for {lines}.");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The probe run to completion once, uninterrupted, in its own folders: the output every resumed run must match.</summary>
    public sealed class UninterruptedRun : IAsyncLifetime
    {
        private readonly TempFolder _temp = new();

        public string Output { get; private set; } = string.Empty;

        public async ValueTask InitializeAsync()
        {
            var files = new ProbeFiles(_temp.Path);
            using var probe = ResumeProbeProcess.Start(files.Arguments);
            var exitCode = await probe.WaitForExitAsync(Patience, "running to completion");
            var log = files.ReadLog();
            if (exitCode != 0 || log.Count != Count || log.Distinct().Count() != Count)
            {
                throw new InvalidOperationException(
                    $"The uninterrupted probe run exited with code {exitCode} after {log.Count} pieces of work for {Count} entries; it should do each once and exit with 0. {probe.Console}");
            }

            Output = File.ReadAllText(files.Output);
        }

        public ValueTask DisposeAsync()
        {
            _temp.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The files of one probe run (and of its reruns) under <paramref name="Folder"/>.</summary>
    private sealed record ProbeFiles(string Folder)
    {
        public string DataDirectory => Path.Combine(Folder, "data");

        public string Log => Path.Combine(Folder, "side-effects.log");

        public string Output => Path.Combine(Folder, "output.txt");

        public string Ledger => Path.Combine(DataDirectory, "resume-probe", "1", "ledgers", "checkpoint-work.jsonl");

        public string LedgerLock => Ledger + ".lock";

        /// <summary>The probe's command line for these files.</summary>
        public string[] Arguments =>
        [
            "--data-dir", DataDirectory,
            "--count", Count.ToString(CultureInfo.InvariantCulture),
            "--work-ms", WorkMilliseconds.ToString(CultureInfo.InvariantCulture),
            "--log", Log,
            "--out", Output,
            "--dop", Parallelism.ToString(CultureInfo.InvariantCulture),
        ];

        /// <summary>The entry numbers in the side-effect log, one per piece of work done, in log order.</summary>
        public List<int> ReadLog() => [.. GrowingFile.CompleteLines(Log).Select(line => int.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture))];

        /// <summary>
        /// The entry numbers the checkpoint's ledger holds: line 1 is the header, then one
        /// <c>{"k":"idx@rev","v":{…,"data":{"n":…}}}</c> per line. A line torn by a kill is skipped.
        /// </summary>
        public HashSet<int> ReadStoredEntries()
        {
            var stored = new HashSet<int>();
            foreach (var line in GrowingFile.CompleteLines(Ledger).Skip(1))
            {
                try
                {
                    if (JsonNode.Parse(line)?["v"]?["data"]?["n"] is JsonValue n)
                    {
                        stored.Add(n.GetValue<int>());
                    }
                }
                catch (JsonException)
                {
                }
            }

            return stored;
        }
    }
}
