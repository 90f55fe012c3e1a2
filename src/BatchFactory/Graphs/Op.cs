namespace BatchFactory;

/// <summary>
/// A node of a graph: an immutable description of one step with numbered in-ports and out-ports.
/// Ops are made by the factory methods of <see cref="Ops"/> and joined with <c>|</c> (see <see cref="Then(Graph)"/>).
/// An op is only a description: each run turns it into fresh Dataflow blocks (the engine knows how, by the op's kind),
/// so an op holds no run state and can be part of many graphs.
/// </summary>
public abstract class Op
{
    private protected Op(string kind, int inputPorts, int outputPorts)
    {
        Kind = kind;
        Name = kind;
        InputPorts = inputPorts;
        OutputPorts = outputPorts;
    }

    /// <summary>The separator between a composite's name and the name of an op it is made of, as in <c>AskLLM › GenerateLLMRequest</c>.</summary>
    internal const string PartSeparator = " \u203a ";

    /// <summary>The op's kind, e.g. <c>MapField</c>.</summary>
    public string Kind { get; }

    /// <summary>The name used in errors, summaries and outputs; the <see cref="Kind"/> unless set with <see cref="Named(string)"/>.</summary>
    public string Name { get; private set; }

    /// <summary>How many in-ports the op has (0 for a source).</summary>
    public int InputPorts { get; }

    /// <summary>How many out-ports the op has (0 for a sink).</summary>
    public int OutputPorts { get; }

    /// <summary>Returns a copy of this op with another name, e.g. to tell two <c>ToList</c> outputs apart.</summary>
    /// <param name="name">The new name; must not be empty.</param>
    /// <returns>A new op (a different node) that behaves like this one.</returns>
    public Op Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var copy = Renamed(name);
        copy.UserNamed = true;
        return copy;
    }

    /// <summary>
    /// Returns a copy of this op that treats an entry it fails on as <paramref name="policy"/> says (drop it, or pass it on
    /// marked failed) instead of the run's <c>RunOptions.OnEntryError</c>, e.g.
    /// <c>MapField(Parse, "text", "value").OnError(OnEntryError.Drop)</c>.
    /// </summary>
    /// <param name="policy">What to do with an entry the op fails on.</param>
    /// <returns>A new op (a different node) that behaves like this one but for failures.</returns>
    /// <exception cref="ArgumentException">The op runs none of your code (only MapField, Apply, Filter and prompt builders take a policy).</exception>
    public Op OnError(OnEntryError policy)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentException($"{(int)policy} is not an {nameof(OnEntryError)} value.", nameof(policy));
        }

        if (!RunsUserCode)
        {
            throw new ArgumentException(
                $"{Name} runs none of your code, so it takes no error policy; give one to the ops that do (MapField, Apply, Filter, a prompt builder).",
                nameof(policy));
        }

        var copy = (Op)MemberwiseClone();
        copy.EntryErrors = policy;
        return copy;
    }

    /// <summary>The op's own policy for entries it fails on; <see langword="null"/> for the run's.</summary>
    internal OnEntryError? EntryErrors { get; private set; }

    /// <summary>Whether the op calls code the user gave it (a function, a predicate, a prompt builder), so an error policy applies to it.</summary>
    internal virtual bool RunsUserCode => false;

    /// <summary>Whether the user named the op (<see cref="Named(string)"/>); a composite then leaves its name as it is.</summary>
    internal bool UserNamed { get; private set; }

    /// <summary>A copy under another name that the library chose (a composite's part, an alias such as <c>CleanupLLMData</c>).</summary>
    internal Op Renamed(string name)
    {
        var copy = (Op)MemberwiseClone();
        copy.Name = name;
        copy.UserNamed = false;
        return copy;
    }

    /// <summary>Wires this op's out-port 0 to the in-port 0 of <paramref name="next"/>'s first op. Same as <c>this | next</c>.</summary>
    /// <param name="next">The op or graph that follows.</param>
    /// <returns>A new graph.</returns>
    /// <exception cref="GraphException">The ports are missing or already used, or <paramref name="next"/> already contains this op.</exception>
    public Graph Then(Graph next) => ((Graph)this).Then(next);

    /// <summary>Joins two ops into a graph: <paramref name="left"/>'s out-port 0 feeds <paramref name="right"/>'s in-port 0.</summary>
    /// <param name="left">The op that comes first.</param>
    /// <param name="right">The op that follows.</param>
    /// <returns>A new graph.</returns>
    public static Graph operator |(Op left, Op right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Then(right);
    }

    /// <summary>A short description with the op's arguments, e.g. <c>MapField(n -> square)</c>.</summary>
    /// <returns>The description used by <see cref="Graph.ToString"/>.</returns>
    public override string ToString()
    {
        var details = Describe();
        var head = Name == Kind || Name.EndsWith(PartSeparator + Kind, StringComparison.Ordinal) ? Name : $"{Name}: {Kind}";
        return details.Length == 0 ? head : $"{head}({details})";
    }

    /// <summary>The op's arguments for <see cref="ToString"/>.</summary>
    private protected abstract string Describe();

    /// <summary>
    /// Whether <paramref name="inPort"/> takes entries coming back round a loop: the one kind of wire allowed to close
    /// a cycle, because the op tracks the entries going round (see <c>Repeat</c> and <c>While</c>).
    /// </summary>
    internal virtual bool IsLoopBack(int inPort) => false;

    /// <summary>For a source that knows how many entries it will emit (a list), that number; for progress estimates.</summary>
    internal virtual long? KnownCount => null;

    /// <summary>
    /// Whether the op may hold entries until its whole input has ended (Sort, Shuffle, TakeFirstN, file writers,
    /// CollectField). Such an op cannot be inside a loop, whose input ends only when the loop is empty.
    /// </summary>
    internal virtual bool WaitsForAllInput => false;
}
