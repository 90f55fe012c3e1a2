namespace BatchFactory.Benchmarks;

/// <summary>One small input item: an int and a short string, as a user's C# record.</summary>
/// <param name="N">A number; the pipelines double it and filter on the result.</param>
/// <param name="Name">A short name; the pipelines store its length.</param>
public sealed record Row(int N, string Name);

/// <summary>The shared input data and the pipeline's field names, so every scenario does the same work.</summary>
internal static class Data
{
    public const string N = nameof(Row.N);
    public const string Name = nameof(Row.Name);
    public const string Double = "double";
    public const string Tag = "tag";
    public const string Len = "len";

    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];

    /// <summary>Makes <paramref name="count"/> distinct rows (names of 7 to 17 characters), deterministically.</summary>
    public static List<Row> MakeRows(int count)
    {
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            rows.Add(new Row(i, $"{Words[i % Words.Length]}-{i}"));
        }

        return rows;
    }

    /// <summary>The pipeline's filter: keep entries whose doubled number is not a multiple of 3.</summary>
    public static bool Keep(int doubled) => doubled % 3 != 0;

    /// <summary>How many of <paramref name="rows"/> pass the filter, and the sum of their name lengths (the expected result).</summary>
    public static (int Count, long LenSum) Expected(IReadOnlyList<Row> rows)
    {
        int count = 0;
        long sum = 0;
        foreach (var row in rows)
        {
            if (Keep(row.N * 2))
            {
                count++;
                sum += row.Name.Length;
            }
        }

        return (count, sum);
    }
}
