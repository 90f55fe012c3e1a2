namespace BatchFactory.Demos;

/// <summary>A demo run with <c>--estimate</c> has printed its estimate: the demo ends there, without running.</summary>
internal sealed class DemoEstimated : Exception
{
}
