using System.Globalization;
using BatchFactory;
using BatchFactory.ResumeProbe;
using static BatchFactory.Ops;

// Pushes the numbers 0..count-1 through CheckPoint(<slow work>, "work") in the project folder "resume-probe" 1 under
// --data-dir. The work logs one line per entry to the side-effect log, so the tests can see what was done twice.
// With --llm it asks "Question {n}" of gpt-4o-mini@openai instead (AskLLM with --dop requests in flight; the server
// and key come from OPENAI_BASE_URL and OPENAI_API_KEY), and the answers, cached in the project's llm ledger, are the
// outputs; the tests count the server's requests to see what was asked twice.
// With --postgres <connection string> the project keeps its ledgers in that database and the probe is one worker of a
// shared run (--lease-ms sets the claim lease), as tests/…/Resume/SharedWorkersTests runs three of them.
// Exit codes: 0 the run completed and --out was written; 130 stopped by SIGINT/SIGTERM (--out not written);
// 1 (--llm) some questions got no answer (--out not written); 2 bad arguments.
ProbeArguments arguments;
try
{
    arguments = ProbeArguments.Parse(args);
}
catch (FormatException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Message}{Environment.NewLine}{ProbeArguments.Usage}");
    return 2;
}

// The work blocks its thread, as a synchronous call would; make sure every parallel slot gets one at once.
ThreadPool.GetMinThreads(out var workers, out var completionPorts);
ThreadPool.SetMinThreads(Math.Max(workers, arguments.MaxDegreeOfParallelism + 4), completionPorts);

var logGate = new Lock();
using var stop = new CancellationTokenSource();
using var signals = new StopSignals(stop);

IReadOnlyList<string> results;
var backend = arguments.Postgres is { } postgres ? LedgerBackend.Postgres(postgres) : LedgerBackend.Jsonl;
var lease = TimeSpan.FromMilliseconds(arguments.LeaseMilliseconds);
await using (var project = ProjectFolder.Open("resume-probe", "1", new ProjectFolderOptions { DataDirectory = arguments.DataDirectory, Backend = backend }))
{
    var graph = arguments.Llm
        ? FromList(Enumerable.Range(0, arguments.Count), outputKey: "n")
            | AskLLM("Question {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = arguments.MaxDegreeOfParallelism })
            | ToList("answer")
        : FromList(Enumerable.Range(0, arguments.Count), outputKey: "n")
            | CheckPoint(MapField((int n) => Work(n), "n", "result"), "work")
            | ToList("result");
    try
    {
        var run = await graph.RunAsync(
            new RunOptions
            {
                Project = project,
                MaxDegreeOfParallelism = arguments.MaxDegreeOfParallelism,
                Sharing = new SharingOptions { Lease = lease, Heartbeat = lease / 3, PollInterval = TimeSpan.FromMilliseconds(Math.Min(1000, arguments.LeaseMilliseconds / 3)) },
            },
            stop.Token);
        if (run.FailedCalls > 0)
        {
            await Console.Error.WriteLineAsync($"{run.FailedCalls} calls failed.{Environment.NewLine}{run.Summary}");
            return 1;
        }

        results = run.Values<string>();
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        return 130;
    }
}

var temporary = arguments.OutPath + ".tmp";
await File.WriteAllTextAsync(temporary, string.Concat(results.Select(r => r + "\n")));
File.Move(temporary, arguments.OutPath, overwrite: true);
return 0;

// One entry's work: slow, with a side effect (one log line, appended and closed at once so a kill cannot lose it)
// and a result that depends only on n. Appends are serialised: two handles appending at once can overwrite each other.
string Work(int n)
{
    Thread.Sleep(arguments.WorkMilliseconds);
    lock (logGate)
    {
        File.AppendAllText(arguments.LogPath, n.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    return string.Create(CultureInfo.InvariantCulture, $"{n}: {n * n} {(n * 2654435761u) % 1000003}");
}
