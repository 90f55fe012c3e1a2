namespace BatchFactory;

/// <summary>An attempt of a request failed with a transient error and is about to be retried (see <see cref="RetryOptions"/>).</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Node">The op's node index.</param>
/// <param name="OpName">The op's name.</param>
/// <param name="Idx">The idx of the entry the request is for.</param>
/// <param name="Model">The model, <c>model@provider</c>.</param>
/// <param name="Attempt">Which retry this is: 1 for the first.</param>
/// <param name="Delay">How long the client waits before the retry.</param>
/// <param name="Reason">Why, for people: <c>HTTP 429</c>, <c>timeout</c>, <c>connection error</c>…</param>
/// <param name="StatusCode">The HTTP status of the failed attempt, when there was a response.</param>
public sealed record CallRetried(TimeSpan Elapsed, int Node, string OpName, string Idx, string Model, int Attempt, TimeSpan Delay, string Reason, int? StatusCode)
    : CallEvent(Elapsed, Node, OpName, Idx, Model);
