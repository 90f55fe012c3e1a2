using static BatchFactory.Ops;

namespace BatchFactory.Demos;

/// <summary>The Roleplay demo: two AI characters in a loop, sharing one chat history per topic.</summary>
public static class RoleplayDemo
{
    private const string Format = " Answer in two or three sentences.";

    /// <summary>Runs the demo; see <see cref="Demo.RunAsync"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        Demo.RunAsync("Roleplay", "a teacher and a student talk in a loop about each topic", "gpt-4o-mini@offline", args, RunAsync, output, cancellationToken);

    private static async Task<string[]> RunAsync(ConsoleRun run)
    {
        var project = run.Project;
        var teacher = new AICharacter("Teacher", "You are a patient teacher." + Format, run.Model);
        var student = new AICharacter("Student", "You are a curious student." + Format, run.Model);
        var output = project["out/roleplay.md"];

        var g = ReadMarkdownLines(DemoData.Find("topics.md"))
            | TakeFirstN(3)
            | teacher.Speak("Please introduce the topic '{keyword}' from the section {headings}.")
            | Repeat(student.Speak("Please ask a question or respond.") | teacher.Speak("Please answer the student or explain further."), 3)
            | teacher.Speak("Please summarize what we talked about.")
            | ChatHistoryToText(template: "**{role}**: {content}\n\n")
            | MapField((string[] headings, string keyword) => (string[])[.. headings, keyword], ["headings", "keyword"], "headings")
            | WriteMarkdownEntries(output);
        await run.RunAsync(g);
        return [output];
    }
}
