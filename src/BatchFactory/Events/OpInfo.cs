namespace BatchFactory;

/// <summary>One op of a run, as <see cref="RunStarted"/> describes it.</summary>
/// <param name="Node">The op's node index in the graph.</param>
/// <param name="Name">The op's name (see <see cref="Op.Name"/>).</param>
/// <param name="Description">The op with its arguments, as in <see cref="Graph.ToString"/>.</param>
/// <param name="CallsModel">Whether the op calls a model (CallLLM, EmbedText), so its progress has call counts.</param>
/// <param name="KnownCount">For a source whose items are a collection, how many entries it emits; otherwise <see langword="null"/>.</param>
/// <param name="Inputs">The nodes wired into the op's in-ports, without the wires that close a loop.</param>
/// <param name="OutputPorts">How many out-ports the op has; an op with several (If, Replicate, a loop, a spawn) splits what it passes on among them.</param>
public sealed record OpInfo(int Node, string Name, string Description, bool CallsModel, long? KnownCount, IReadOnlyList<int> Inputs, int OutputPorts = 1);
