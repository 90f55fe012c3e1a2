using System.CommandLine;
using System.Text;

namespace BatchFactory.Cli;

/// <summary><c>batchfactory ops [NAME]</c>: the op catalogue (<see cref="OpCatalog"/>), all ops by family or one op in full.</summary>
internal static class OpsCommand
{
    /// <summary>The <c>ops</c> command, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var name = new Argument<string?>("NAME") { Description = "An op's name (e.g. AskLLM): its parameters in full.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ops", "The ops a pipeline can use, by family, with their parameters; with NAME, one op's parameters with types, defaults and what each does.") { name };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var text = parse.GetValue(name) is { } opName
                ? Describe(OpCatalog.Find(opName) ?? throw new CliException($"there is no op '{opName}' (names are case-sensitive){Nearest(opName)} 'batchfactory ops' lists them all."))
                : List();
            await output.WriteAsync(text).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    // Every op, a heading per family: name, parameters (required ones bare, optional ones with their default), summary.
    private static string List()
    {
        var text = new StringBuilder();
        foreach (var family in OpCatalog.All.GroupBy(op => op.Family))
        {
            text.Append(family.Key).Append('\n');
            foreach (var op in family)
            {
                var parameters = string.Join(", ", op.Parameters.Select(p => p.Required ? p.Name : $"{p.Name}?"));
                text.Append("  ").Append(op.Name).Append('(').Append(parameters).Append(')').Append(op.InYaml ? "" : " [C# only]").Append('\n');
                text.Append("      ").Append(op.Summary).Append('\n');
            }
        }

        text.Append("\n'?' marks an optional parameter; 'batchfactory ops NAME' shows an op's types and defaults.\n");
        return text.ToString();
    }

    // One op in full: a line per parameter with its YAML type, required or its default, its values and what it does.
    private static string Describe(OpDescription op)
    {
        var text = new StringBuilder();
        text.Append(op.Name).Append(" (").Append(op.Family).Append(op.InYaml ? "" : ", C# only: not usable in YAML").Append("): ").Append(op.Summary).Append('\n');
        var width = op.Parameters.Count == 0 ? 0 : op.Parameters.Max(p => p.Name.Length);
        foreach (var p in op.Parameters)
        {
            var status = p.Required ? "required" : p.Default is null ? "optional" : $"default {Quoted(p.Default)}";
            var values = p.Values is { Count: > 0 } ? $"; one of {string.Join(", ", p.Values)}" : "";
            text.Append("  ").Append(p.Name.PadRight(width)).Append("  ").Append(p.Type).Append(", ").Append(status).Append(values).Append(": ").Append(p.Summary).Append('\n');
        }

        if (op.Body is { } body)
        {
            text.Append("Body: ").Append(body).Append('\n');
        }

        return text.ToString();
    }

    // A default as written in YAML: quoted when it has spaces or line breaks.
    private static string Quoted(string text) =>
        text.Any(char.IsWhiteSpace) ? $"'{text.ReplaceLineEndings("\\n")}'" : text;

    // The ops whose name contains the one asked for, ignoring case ("ask" finds AskLLM), as "; did you mean …".
    private static string Nearest(string name)
    {
        var near = OpCatalog.All.Select(op => op.Name).Where(candidate => candidate.Contains(name, StringComparison.OrdinalIgnoreCase)).ToArray();
        return near.Length == 0 ? "." : $"; did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?";
    }
}
