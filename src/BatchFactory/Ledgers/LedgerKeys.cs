using System.IO.Hashing;
using System.Text;

namespace BatchFactory.Ledgers;

/// <summary>The 64-bit hash a ledger indexes its keys by. Hashes may collide; readers always check the full key.</summary>
internal static class LedgerKeys
{
    public static ulong Hash(ReadOnlySpan<byte> utf8Key) => XxHash3.HashToUInt64(utf8Key);

    public static ulong Hash(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            return Hash(buffer[..Encoding.UTF8.GetBytes(key, buffer)]);
        }

        return Hash(Encoding.UTF8.GetBytes(key));
    }

    public static void Check(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
    }
}
