using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary>
/// What <c>run</c>, <c>validate</c> and <c>graph</c> share: the <c>PIPELINE</c> argument, <c>--set</c> and
/// <c>--model</c>, and loading the file with them.
/// </summary>
internal sealed class PipelineInput
{
    private readonly Argument<string> _path = new("PIPELINE") { Description = "The pipeline file (.yaml)." };

    private readonly Option<string[]> _sets = new("--set")
    {
        Description = "Override a var (name=value, vars.name=value) or an op argument (graph.N.argument=value; N is the op's position or id). Repeatable.",
    };

    private readonly Option<string?> _model = new("--model")
    {
        Description = "The model, model@provider: the same as --set model=M (pipelines name their model var 'model').",
    };

    /// <summary>Adds the argument and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_path);
        command.Options.Add(_sets);
        command.Options.Add(_model);
    }

    /// <summary>The pipeline file as given.</summary>
    public string Path(ParseResult parse) => parse.GetValue(_path)!;

    /// <summary>Loads the pipeline with the <c>--set</c> and <c>--model</c> overrides (and <paramref name="more"/> before <c>--model</c>).</summary>
    /// <exception cref="CliException">The file is not there, or it does not load: the message is the loader's, <c>file:line:col: …</c>.</exception>
    public PipelineFile Load(ParseResult parse, IEnumerable<string>? more = null)
    {
        var path = Path(parse);
        if (!File.Exists(path))
        {
            throw new CliException($"the pipeline file '{path}' does not exist.");
        }

        try
        {
            return PipelineFile.Load(path, Sets(parse, more));
        }
        catch (PipelineException ex)
        {
            throw new CliException(ex.Message, ex);
        }
    }

    // The --set values, then more, then --model as model=M (last, so it wins).
    private IReadOnlyList<string> Sets(ParseResult parse, IEnumerable<string>? more) =>
        [.. parse.GetValue(_sets) ?? [], .. more ?? [], .. parse.GetValue(_model) is { } model ? [$"model={model}"] : Array.Empty<string>()];
}
