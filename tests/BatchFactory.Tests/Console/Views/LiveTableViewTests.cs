using BatchFactory.Tests.Support;
using Spectre.Console;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.ConsoleViews;

public sealed class LiveTableViewTests
{
    private static IAnsiConsole Terminal(StringWriter output, int width, int height = 100)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Profile.Height = height;
        return console;
    }

    [Fact]
    public void Samples_AreRedrawnInPlace_OverThePreviousDrawing()
    {
        var output = new StringWriter();
        var view = new BatchFactory.Progress.LiveTableView(Terminal(output, 80));
        OpInfo[] ops = [new(0, "FromList", "FromList", false, 10, []), new(1, "ToList", "ToList", false, null, [0])];
        RunProgress Sample(int seconds, long n) => new(
            TimeSpan.FromSeconds(seconds),
            [new OpProgress(new OpStats(0, "FromList", "FromList", 0, n, 0), n, 0, 10, null), new OpProgress(new OpStats(1, "ToList", "ToList", n, 0, 0), n, 0, 10, null)],
            IsFinal: false);

        view.OnNext(new RunStarted(TimeSpan.Zero, default, ops));
        view.OnNext(Sample(1, 4));
        var first = output.ToString();
        view.OnNext(Sample(2, 7));

        var lines = first.Count(c => c == '\n');
        var second = output.ToString()[first.Length..];
        Assert.StartsWith($"\u001b[{lines}A", second, StringComparison.Ordinal);
        Assert.Contains("7/10 read", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownRun_DrawsOneRowPerOpWithCallColumns_ThenHowTheRunEnded()
    {
        var output = new StringWriter();
        var console = Terminal(output, 160);
        var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Interactive = true, Console = console });
        var graph = FromList(new[] { "sea", "sky" }, outputKey: "topic") | AskLLM("Poem about {topic}", "gpt-4o-mini@offline", "poem") | ToList("poem");

        await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = new ManualTimeProvider() }, TestRuns.Token);

        var text = output.ToString();
        foreach (var op in new[] { "[0] FromList", "[2] AskLLM › CallLLM", "[5] ToList", "calls/s", "tokens in", "2/2 read" })
        {
            Assert.Contains(op, text, StringComparison.Ordinal);
        }

        Assert.EndsWith("Run finished in 0.00 s." + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sampled_TableTallerThanTheTerminal_ShrinksToTheBusiestOpsAndTotalsAndRedrawsInPlace()
    {
        const int height = 12;
        var output = new StringWriter();
        var view = new BatchFactory.Progress.LiveTableView(Terminal(output, 160, height));
        OpInfo[] ops = [.. Enumerable.Range(0, 30).Select(i => new OpInfo(i, $"Op{i}", $"Op{i}", false, i == 0 ? 100 : null, i == 0 ? [] : [i - 1]))];
        RunProgress Sample(int seconds) => new(
            TimeSpan.FromSeconds(seconds),
            [.. ops.Select(o => new OpProgress(
                new OpStats(o.Node, o.Name, o.Name, 50, o.Node == 17 ? 10 : 50, 0, o.Node == 17 ? new BrokerStats("m", 7, 3, 0, 0, 0, 0m) : null),
                1, 0, 100, null))],
            IsFinal: false);

        view.OnNext(new RunStarted(TimeSpan.Zero, default, ops));
        view.OnNext(Sample(1));
        var first = output.ToString();
        view.OnNext(Sample(2));
        var second = output.ToString()[first.Length..];

        var lines = first.Count(c => c == '\n');
        Assert.InRange(lines, 1, height - 1);
        Assert.Equal(lines, second.Count(c => c == '\n'));
        Assert.StartsWith($"\u001b[{lines}A", second, StringComparison.Ordinal);
        Assert.Contains("[17] Op17", second, StringComparison.Ordinal);
        Assert.Matches(@"… \d+ more ops not shown", second);
        Assert.Matches(@"total\s+7\s+3\s+0", second);
        Assert.Contains("50/100 read", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_WhileAProviderPushesBack_ShowsRetriesPerOpAndThrottlingInTheTitle()
    {
        var output = new StringWriter();
        var view = new BatchFactory.Progress.LiveTableView(Terminal(output, BatchFactory.Progress.ProgressTable.WideFrom));
        OpInfo[] ops = [new(0, "FromList", "FromList", false, 10, []), new(1, "AskLLM › CallLLM", "AskLLM › CallLLM", true, null, [0])];
        var broker = new BrokerStats("gpt-4o-mini@openai", 1234, 56, 7, 123456, 654321, 12.3456m, Retries: 321, RateLimited: 300, Waited: TimeSpan.FromSeconds(95), CoolDown: TimeSpan.FromSeconds(4));

        view.OnNext(new RunStarted(TimeSpan.Zero, default, ops));
        view.OnNext(new RunProgress(
            TimeSpan.FromSeconds(1),
            [new OpProgress(new OpStats(0, "FromList", "FromList", 0, 10, 0), 10, 0, 10, null), new OpProgress(new OpStats(1, "AskLLM › CallLLM", "AskLLM › CallLLM", 10, 4, 0, broker), 10, 123.4, 10, TimeSpan.FromSeconds(90))],
            IsFinal: false));

        var text = output.ToString();
        Assert.Contains("retries 321 (429: 300), held back 00:01:35, cooling down: gpt-4o-mini@openai 00:00:04", text, StringComparison.Ordinal);
        var row = Assert.Single(text.Split('\n'), l => l.Contains("[1] AskLLM", StringComparison.Ordinal));
        Assert.Matches(@"1,234\s+56\s+7\s+321\s+123,456\s+654,321\s+\$12\.3456\s+123\s+00:01:30\s*$", row);
    }
}
