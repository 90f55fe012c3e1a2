namespace BatchFactory.Progress;

/// <summary>A run with <c>--estimate</c> has printed its estimate: the program ends there, without running.</summary>
internal sealed class RunEstimated : Exception
{
}
