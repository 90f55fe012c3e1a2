using BatchFactory.Tests.Support;
using Spectre.Console;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Progress;

public sealed class LiveTableViewTests
{
    [Fact]
    public async Task KnownRun_DrawsOneRowPerOpWithCallColumns_ThenHowTheRunEnded()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        var monitor = ConsoleProgress.Create(new ConsoleProgressOptions { Interactive = true, Console = console });
        var graph = FromList(new[] { "sea", "sky" }, outputKey: "topic") | AskLLM("Poem about {topic}", "gpt-4o-mini@offline", "poem") | ToList("poem");

        await graph.RunCheckedAsync(new RunOptions { Monitor = monitor, TimeProvider = new ManualTimeProvider() }, TestRuns.Token);

        var text = output.ToString();
        foreach (var op in new[] { "[0] FromList", "[2] CallLLM", "[5] ToList", "calls/s", "tokens in", "2/2 read" })
        {
            Assert.Contains(op, text, StringComparison.Ordinal);
        }

        Assert.EndsWith("Run finished in 0.00 s." + Environment.NewLine, text, StringComparison.Ordinal);
    }
}
