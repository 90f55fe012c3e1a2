using BatchFactory.Tests.Support;
using Spectre.Console;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.ConsoleViews;

public sealed class LiveTableViewTests
{
    private static IAnsiConsole Terminal(StringWriter output, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
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
}
