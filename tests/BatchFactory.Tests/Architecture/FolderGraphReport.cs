namespace BatchFactory.Tests.Architecture;

public sealed class FolderGraphReport(ITestOutputHelper output)
{
    [Fact]
    public void Print()
    {
        foreach (var edge in FolderReferences.Library.Edges.OrderBy(e => e.Key.From).ThenBy(e => e.Key.To))
        {
            output.WriteLine($"{edge.Key.From} -> {edge.Key.To} ({edge.Count()}): {string.Join("; ", edge.Take(6).Select(r => $"{r.File} {r.Symbol}"))}");
        }
    }
}
