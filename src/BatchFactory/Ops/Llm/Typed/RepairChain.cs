using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;

namespace BatchFactory.Operators;

/// <summary>
/// Where one entry's typed request stands: the request to answer next (the first, or a repair), how many repairs were
/// asked for, and the last invalid answer with its errors. A repair is the conversation so far, the invalid answer as
/// the assistant's turn, and a user turn listing the errors: an ordinary request with its own key, so each attempt is
/// stored and a rerun replays the chain from the ledger.
/// </summary>
internal sealed class RepairChain(ChatCall first)
{
    /// <summary>The first request, as the entry's prompt made it.</summary>
    public ChatCall First { get; } = first;

    /// <summary>The request to answer next.</summary>
    public ChatCall Current { get; private set; } = first;

    /// <summary>Repairs asked for so far.</summary>
    public int Repairs { get; private set; }

    /// <summary>The last answer's text, when it was invalid.</summary>
    public string? LastAnswer { get; private set; }

    /// <summary>What is wrong with <see cref="LastAnswer"/>.</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>Whether the last answer was invalid and no repair is left: nothing more to ask.</summary>
    public bool GivenUp { get; private set; }

    /// <summary>Records that the answer to <see cref="Current"/> is invalid, and makes the repair request if <paramref name="maxRepairs"/> allows one more.</summary>
    /// <returns>Whether there is a repair to ask.</returns>
    public bool Invalid(string answer, IReadOnlyList<string> errors, string typeName, int maxRepairs)
    {
        LastAnswer = answer;
        Errors = errors;
        if (Repairs >= maxRepairs)
        {
            GivenUp = true;
            return false;
        }

        var request = (JsonObject)Current.Request.DeepClone();
        var messages = request["messages"]!.AsArray();
        messages.Add((JsonNode)ChatRequest.Message("assistant", answer));
        messages.Add((JsonNode)ChatRequest.Message("user", Message(errors, typeName)));
        Current = new ChatCall(request, Current.Model) { Mode = Current.Mode };
        Repairs++;
        return true;
    }

    private static string Message(IReadOnlyList<string> errors, string typeName)
    {
        var text = new StringBuilder($"Your answer is not a valid {typeName}:");
        foreach (var error in errors.Take(20))
        {
            text.Append("\n- ").Append(error);
        }

        if (errors.Count > 20)
        {
            text.Append("\n- and ").Append(errors.Count - 20).Append(" more.");
        }

        return text.Append("\nAnswer again with the corrected JSON only, matching the schema, and no other text.").ToString();
    }
}
