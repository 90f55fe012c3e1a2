using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary>
/// <c>batchfactory validate PIPELINE [--set k=v]… [--model M]</c>: loads and type-checks the pipeline and resolves its
/// models against their providers, calling nothing and writing nothing.
/// </summary>
internal static class ValidateCommand
{
    /// <summary>The <c>validate</c> command, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var input = new PipelineInput();
        var command = new Command("validate", "Load a YAML pipeline, check every op, argument, var, type and prompt file, and resolve its models (providers registered, keys present) without calling anything. Exit 0 valid, 2 not.");
        input.AddTo(command);
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var pipeline = input.Load(parse);
            var (models, ok) = PipelineChecks.ResolveModels(pipeline, PipelineChecks.RunOptions(pipeline));
            await output.WriteLineAsync($"{pipeline.Path}: pipeline {pipeline.Name} version {pipeline.Version}").ConfigureAwait(false);
            foreach (var (name, value) in pipeline.Vars.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"  var {name} = {OneLine(value)}").ConfigureAwait(false);
            }

            await output.WriteLineAsync(pipeline.Models.Count == 0 ? "No model is used." : "Models:").ConfigureAwait(false);
            foreach (var line in models)
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            await output.WriteLineAsync(ok ? "Valid." : "Not valid: a model cannot be called as configured.").ConfigureAwait(false);
            return ok ? ExitCodes.Ok : ExitCodes.BadInput;
        }));
        return command;
    }

    // A var's value on one line, cut after 80 characters (prompts can be long).
    private static string OneLine(string value)
    {
        var line = value.ReplaceLineEndings("\\n");
        return line.Length <= 80 ? line : string.Concat(line.AsSpan(0, 79), "…");
    }
}
