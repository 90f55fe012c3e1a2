using System.Globalization;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// Everything the server derives from a request: the default reply, word-count usage, completion ids and
/// embedding vectors. Pure functions of their inputs, stable across runs, processes and machines.
/// </summary>
internal static class DeterministicContent
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    public static string EchoReply(ChatRequestInfo request) => string.Concat("Echo[", request.Model, "]: ", request.LastUserMessage);

    /// <summary>The number of runs of non-whitespace characters.</summary>
    public static int CountWords(string text)
    {
        int count = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }

    public static int CountWords(IReadOnlyList<ChatMessageInfo> messages)
    {
        int count = 0;
        foreach (ChatMessageInfo message in messages)
        {
            count += CountWords(message.Text);
        }

        return count;
    }

    public static int CountWords(string[] texts)
    {
        int count = 0;
        foreach (string text in texts)
        {
            count += CountWords(text);
        }

        return count;
    }

    /// <summary><c>chatcmpl-</c> and 16 hex digits of a hash of the model and the messages.</summary>
    public static string CompletionId(ChatRequestInfo request) => "chatcmpl-" + Hash(request).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A hash of the model and the messages (roles and texts).</summary>
    public static ulong Hash(ChatRequestInfo request)
    {
        ulong hash = Hash(request.Model, FnvOffset);
        foreach (ChatMessageInfo message in request.Messages)
        {
            hash = Hash(message.Text, Hash(message.Role, hash));
        }

        return hash;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with a unit vector (Euclidean norm 1) seeded by a hash of
    /// <paramref name="text"/>: SplitMix64 draws uniform components in [-1, 1), which are then normalised.
    /// </summary>
    public static void FillUnitVector(string text, Span<float> destination)
    {
        ulong state = Hash(text, FnvOffset);
        double sumOfSquares = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            state += 0x9E3779B97F4A7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            double component = ((z >> 11) * (1.0 / (1UL << 53) * 2.0)) - 1.0;
            destination[i] = (float)component;
            sumOfSquares += component * component;
        }

        if (sumOfSquares == 0)
        {
            destination[0] = 1;
            return;
        }

        double scale = 1 / Math.Sqrt(sumOfSquares);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(destination[i] * scale);
        }
    }

    /// <summary>FNV-1a over the text's length and UTF-16 code units, continuing from <paramref name="hash"/>.</summary>
    private static ulong Hash(string text, ulong hash)
    {
        hash = (hash ^ (uint)text.Length) * FnvPrime;
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return hash;
    }
}
