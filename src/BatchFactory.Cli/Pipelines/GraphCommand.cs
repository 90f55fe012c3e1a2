using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary>
/// <c>batchfactory graph PIPELINE [--set k=v]… [--model M] [--mermaid]</c>: the graph a pipeline makes and how it will
/// run (its run plan), or a Mermaid diagram of it; runs nothing.
/// </summary>
internal static class GraphCommand
{
    /// <summary>The <c>graph</c> command, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var input = new PipelineInput();
        var mermaid = new Option<bool>("--mermaid") { Description = "Print a Mermaid flowchart of the graph instead (paste it into Markdown between ```mermaid fences)." };
        var command = new Command("graph", "Print the graph a YAML pipeline makes (its ops and wires; paths in the project folder as ${project}) and its run plan, or with --mermaid a diagram. Runs nothing.");
        input.AddTo(command);
        command.Options.Add(mermaid);
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var pipeline = input.Load(parse);
            var options = PipelineChecks.RunOptions(pipeline);

            // The graph is made in a scratch project folder (nothing is written in the real one) whose path is then
            // printed as ${project}, as the pipeline writes it.
            var scratch = Directory.CreateTempSubdirectory("batchfactory-graph-");
            try
            {
                string text;
                await using (var project = ProjectFolder.Open(pipeline.Name, pipeline.Version, new ProjectFolderOptions { DataDirectory = scratch.FullName }))
                {
                    var graph = PipelineChecks.Build(pipeline, project);
                    text = parse.GetValue(mermaid) ? MermaidGraph.Of(graph) : $"{graph}\n{graph.Explain(options)}";
                    text = text.Replace(project.FullPath, "${project}", StringComparison.Ordinal);
                }

                await output.WriteLineAsync(text.TrimEnd()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        }));
        return command;
    }
}
