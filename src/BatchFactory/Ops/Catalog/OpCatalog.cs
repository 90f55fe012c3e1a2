using System.Collections.Frozen;
using System.Text;
using BatchFactory.Operators;

namespace BatchFactory;

/// <summary>
/// Every op of <see cref="Ops"/>, described once: name, family, summary, parameters with their YAML types and defaults,
/// nested bodies. The YAML loader (<c>PipelineFile</c>), the pipeline schema (<c>PipelineSchema</c>),
/// <c>batchfactory ops</c> and the README's op table all come from it; tests check it against the C# factories.
/// </summary>
public static partial class OpCatalog
{
    private static readonly Lazy<(IReadOnlyList<OpDescription> All, FrozenDictionary<string, OpDescription> ByName)> Catalog = new(Create);

    /// <summary>Every public op factory of <see cref="Ops"/>, one description per name (overloads merged), ordered by family and then name (ordinal).</summary>
    public static IReadOnlyList<OpDescription> All => Catalog.Value.All;

    /// <summary>The op named <paramref name="name"/> (case-sensitive C# name, e.g. <c>AskLLM</c>), or <see langword="null"/>.</summary>
    /// <param name="name">The op's name.</param>
    /// <returns>Its description, or <see langword="null"/> when there is no such op.</returns>
    public static OpDescription? Find(string name) => Catalog.Value.ByName.GetValueOrDefault(name);

    /// <summary>
    /// The op table of the README, in Markdown: one row per op with its family, name, parameters (required ones first,
    /// defaults after <c>=</c>) and summary; ops usable only from C# are marked. A test keeps the README equal to it.
    /// </summary>
    /// <returns>The table, with a header row and a line ending after each row.</returns>
    public static string MarkdownTable()
    {
        var table = new StringBuilder();
        table.Append("| family | op | parameters (YAML) | what it does |\n|---|---|---|---|\n");
        foreach (var op in All)
        {
            var parameters = string.Join(", ", op.Parameters.Select(p => p.Required ? $"`{p.Name}`" : $"`{p.Name}` = {(p.Default is null ? "none" : $"`{Escape(p.Default)}`")}"));
            var note = op.InYaml ? string.Empty : " *(C# only)*";
            table.Append($"| {op.Family} | `{op.Name}`{note} | {(parameters.Length == 0 ? "—" : parameters)} | {op.Summary.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        return table.ToString();
    }

    // A default as one table cell: line breaks as \n, pipes escaped.
    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    private static (IReadOnlyList<OpDescription>, FrozenDictionary<string, OpDescription>) Create()
    {
        var all = new List<OpDescription>();
        AddSources(all);
        AddIO(all);
        AddLlm(all);
        AddChat(all);
        AddFields(all);
        AddFilters(all);
        AddOrdering(all);
        AddRouting(all);
        AddControlFlow(all);
        AddCheckPoints(all);
        AddOutputs(all);
        var sorted = all.OrderBy(o => o.Family, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToArray();
        return (sorted, sorted.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal));
    }

    // An op a YAML pipeline can use: its description and its builder.
    private static OpDescription Yaml(string name, string family, string summary, OpParameter[] parameters, Func<OpArgs, Graph> build, string? body = null) =>
        new(name, family, summary, parameters, InYaml: true, body) { Builder = build };

    // An op only C# can use (it takes code or a .NET object).
    private static OpDescription CSharpOnly(string name, string family, string summary, OpParameter[] parameters) =>
        new(name, family, summary, parameters, InYaml: false, Body: null);
}
