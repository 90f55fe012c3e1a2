namespace BatchFactory;

/// <summary>
/// The optional settings of <see cref="Ops.CallLLM(string, string, CallOptions?)"/>: those every model call has
/// (<see cref="ModelCallOptions"/>); what the request asks for is set when it is made (<see cref="RequestOptions"/>).
/// </summary>
public sealed record CallOptions : ModelCallOptions;
