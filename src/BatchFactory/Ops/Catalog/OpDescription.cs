using BatchFactory.Operators;

namespace BatchFactory;

/// <summary>One op of <see cref="Ops"/> as the catalogue describes it (see <see cref="OpCatalog"/>): its name, family, summary and parameters, whether YAML pipelines can use it, and its nested bodies.</summary>
/// <param name="Name">The C# factory's name, e.g. <c>AskLLM</c>; case-sensitive, as written in YAML.</param>
/// <param name="Family">The op family: <c>Sources</c>, <c>IO</c>, <c>Llm</c>, <c>Chat</c>, <c>Fields</c>, <c>Filters</c>, <c>Ordering</c>, <c>Routing</c>, <c>ControlFlow</c>, <c>CheckPoints</c> or <c>Outputs</c>.</param>
/// <param name="Summary">What the op does, in one line.</param>
/// <param name="Parameters">Its parameters across the C# overloads (the YAML loader picks the overload from the arguments given).</param>
/// <param name="InYaml">Whether a YAML pipeline can use it; <see langword="false"/> for ops that need C# (an <see cref="Action{T}"/>, a <see cref="TextWriter"/>).</param>
/// <param name="Body">What its nested bodies are (parameters of type <c>graph</c>), or <see langword="null"/> when it has none.</param>
public sealed record OpDescription(string Name, string Family, string Summary, IReadOnlyList<OpParameter> Parameters, bool InYaml, string? Body)
{
    /// <summary>The parameter named <paramref name="name"/> (case-sensitive), or <see langword="null"/>.</summary>
    /// <param name="name">The parameter's name, e.g. <c>outputKey</c>.</param>
    /// <returns>The parameter, or <see langword="null"/> when the op has none of that name.</returns>
    public OpParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Makes the op from arguments the YAML loader has read and converted; <see langword="null"/> when <see cref="InYaml"/> is false.</summary>
    internal Func<OpArgs, Graph>? Builder { get; init; }
}
