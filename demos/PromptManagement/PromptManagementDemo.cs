using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The PromptManagement demo: a custom prompt builder choosing a prompt per entry.</summary>
public static class PromptManagementDemo
{
    /// <summary>The prompt for each language; <c>{0}</c> is the topic.</summary>
    public static readonly IReadOnlyDictionary<string, string> Prompts = new Dictionary<string, string>
    {
        ["English"] = "Write a haiku about {0}. Reply with the haiku only.",
        ["Spanish"] = "Escribe un haiku sobre este tema: {0}. Responde solo con el haiku, en español.",
        ["German"] = "Schreibe ein Haiku über dieses Thema: {0}. Antworte nur mit dem Haiku, auf Deutsch.",
    };

    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("PromptManagement", "one prompt per language, chosen per entry by a prompt builder", "gpt-4o-mini@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        var project = run.Project;
        var folder = project["out/haiku"];
        var g = ReadMarkdownLines(DemoData.Find("topics.md"))
            | Shuffle(seed: 7)
            | TakeFirstN(4)
            | SetField("language", Prompts.Keys.ToArray())
            | ExplodeList("language")
            | AskLLM(Prompt, run.Model, "text", new AskOptions { SystemPrompt = "You are a poet. You answer in the language you are asked in.", Mode = run.Options.Mode })
            | MapField((string[] headings, string keyword) => (string[])[headings[^1], keyword], ["headings", "keyword"], "headings")
            | SortMarkdownEntries()
            | WriteMarkdownEntries(folder, fileKey: "language");
        await run.RunAsync(g);
        return [.. Prompts.Keys.Select(language => Path.Combine(folder, language + ".md"))];
    }

    /// <summary>The prompt builder: the prompt in the entry's language, about its topic.</summary>
    /// <param name="entry">An entry with <c>language</c> and <c>keyword</c>.</param>
    /// <returns>The prompt.</returns>
    public static string Prompt(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var language = entry.Get<string>("language");
        var template = Prompts.TryGetValue(language, out var prompt) ? prompt : throw new KeyNotFoundException($"No prompt for language '{language}'.");
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, template, entry.Get<string>("keyword"));
    }
}
