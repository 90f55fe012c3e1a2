namespace BatchFactory.Operators;

/// <summary>A condition argument: its text as written and the test made from it (true keeps, routes or loops an entry).</summary>
internal sealed record CompiledCondition(string Text, Func<Entry, bool> Test);
