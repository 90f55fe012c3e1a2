using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>
/// The records every ledger scenario writes: hash-like keys (64 hex characters, as content-addressed broker calls
/// have) and values of about 300 bytes once serialised, made deterministically from the record number.
/// </summary>
internal sealed class LedgerRecords
{
    private const string Words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega ";

    private LedgerRecords(string[] keys) => Keys = keys;

    public string[] Keys { get; }

    public int Count => Keys.Length;

    public static LedgerRecords Create(int count)
    {
        var keys = new string[count];
        Span<byte> seed = stackalloc byte[4];
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(seed, i);
            SHA256.HashData(seed, hash);
            keys[i] = Convert.ToHexStringLower(hash);
        }

        return new LedgerRecords(keys);
    }

    /// <summary>The value of record <paramref name="i"/>: a broker-response-like object.</summary>
    public static JsonObject Value(int i)
    {
        var start = i % 50;
        return new JsonObject
        {
            ["model"] = "gpt-4o-mini",
            ["prompt_tokens"] = 100 + (i % 400),
            ["completion_tokens"] = 50 + (i % 200),
            ["text"] = Text(start, 180),
        };
    }

    /// <summary>The serialised size of one record line, for the table.</summary>
    public int LineBytes(int i) => Encoding.UTF8.GetByteCount($"{{\"k\":\"{Keys[i]}\",\"v\":{Value(i).ToJsonString()}}}\n");

    private static string Text(int start, int length)
    {
        var builder = new StringBuilder(length);
        while (builder.Length < length)
        {
            builder.Append(Words, start % Words.Length, Math.Min(length - builder.Length, Words.Length - (start % Words.Length)));
            start = 0;
        }

        return builder.ToString();
    }
}
