namespace BatchFactory.Reporting;

/// <summary>The reasons <see cref="LiveInstead.Reason"/> gives.</summary>
internal static class LiveReasons
{
    public const string NoBatchApi = "no batch API";

    public const string Auto = "auto";
}
