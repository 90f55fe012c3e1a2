using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BatchFactory.Cli;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Explain;

/// <summary>
/// <c>batchfactory ledger explain</c> on a big ledger (issue 18's target: 1,000,000 records in under 5 s). The ledger
/// holds records shaped as the broker writes them (answer, <c>asked</c>, <c>request</c>), made from one real record of
/// an offline run, each with its own entry, key and prompt; the op's last entry is explained (the worst case: every
/// record is read and compared). The baseline is a bare scan of the same ledger (open and enumerate every record),
/// measured in the same run, so the ratio says what explaining adds to reading.
/// </summary>
internal static class ExplainHarness
{
    public static async Task<int> RunAsync(ExplainHarnessOptions options)
    {
        var data = Directory.CreateTempSubdirectory("batchfactory-explain-");
        try
        {
            var template = await TemplateAsync(data.FullName);
            var project = await WriteLedgerAsync(data.FullName, template, options.Records);
            var ledgerFile = Path.Combine(project, "ledgers", "llm.jsonl");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ledger: {options.Records:N0} records, {new FileInfo(ledgerFile).Length / 1e6:N0} MB"));
            var args = new[] { "ledger", "explain", project, "--op", "AskLLM", "--idx", Idx(options.Records - 1) };
            for (var repeat = 1; repeat <= options.Repeats; repeat++)
            {
                var scan = await TimeAsync(() => ScanAsync(project));
                var output = new StringWriter();
                var explain = await TimeAsync(async () =>
                {
                    if (await CliApp.RunAsync(args, output, CancellationToken.None) != 0)
                    {
                        throw new InvalidOperationException($"ledger explain failed:\n{output}");
                    }
                });
                if (!output.ToString().Contains("message 1 (user): first differs", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"ledger explain did not name the differing message:\n{output}");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"repeat {repeat}: explain {explain.TotalSeconds:N2} s, bare scan {scan.TotalSeconds:N2} s, ratio {explain / scan:N2}"));
            }

            return 0;
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static string Idx(int i) => i.ToString("D8", CultureInfo.InvariantCulture);

    // One record as the broker stores it, from a one-entry offline run.
    private static async Task<JsonObject> TemplateAsync(string data)
    {
        await using var project = ProjectFolder.Open("template", "1", new ProjectFolderOptions { DataDirectory = data });
        await (FromList(["sea"], outputKey: "topic") | AskLLM("A poem about the {topic}.", "gpt-4o-mini@offline", "poem")).RunAsync(new RunOptions { Project = project });
        var ledger = await project.OpenLedgerAsync("llm");
        await foreach (var record in ledger.EnumerateAsync())
        {
            return record.Value!.AsObject();
        }

        throw new InvalidOperationException("The offline run stored no answer.");
    }

    // N copies of the template, each with its own entry, key, time and prompt text.
    private static async Task<string> WriteLedgerAsync(string data, JsonObject template, int records)
    {
        await using var project = ProjectFolder.Open("explain", "1", new ProjectFolderOptions { DataDirectory = data });
        var ledger = await project.OpenLedgerAsync("llm");
        var start = DateTime.UtcNow;
        for (var i = 0; i < records; i++)
        {
            var record = (JsonObject)template.DeepClone();
            record["asked"]!["idx"] = Idx(i);
            record["asked"]!["at"] = start.AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture);
            var messages = record["request"]!["messages"]!.AsArray();
            messages[^1]!["content"] = $"A poem about the topic number {i}.";
            await ledger.AppendAsync(string.Create(CultureInfo.InvariantCulture, $"chat-v1:{i:x64}"), record);
        }

        await ledger.FlushAsync();
        return project.FullPath;
    }

    private static async Task ScanAsync(string project)
    {
        await using var open = ProjectFolder.Open("explain", "1", new ProjectFolderOptions { DataDirectory = Path.GetDirectoryName(Path.GetDirectoryName(project))! });
        var ledger = await open.OpenLedgerAsync("llm");
        long count = 0;
        await foreach (var _ in ledger.EnumerateAsync())
        {
            count++;
        }
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed;
    }
}
