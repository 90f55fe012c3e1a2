using System.Globalization;

namespace BatchFactory.Operators;

/// <summary>
/// Repeat's rule: go round a fixed number of times, or as many as a field says; the rounds field holds 1, 2, … inside the
/// body and the number of rounds done after the loop.
/// </summary>
internal sealed class RepeatRule(int? rounds, string? roundsFromKey, string roundsKey) : LoopRule
{
    public override bool Continues(Entry entry, int roundsDone, int maxIterations)
    {
        int wanted;
        if (rounds is { } fixedRounds)
        {
            wanted = fixedRounds;
        }
        else
        {
            wanted = entry.Get<int>(roundsFromKey!);
            if (wanted < 0 || wanted > maxIterations)
            {
                throw new EntryFieldException(entry.Idx, roundsFromKey!,
                    $"Field '{roundsFromKey}' of entry '{entry.Idx}' asks for {wanted} rounds; it must be between 0 and maxIterations ({maxIterations}).");
            }
        }

        return roundsDone < wanted;
    }

    public override bool Bounded => rounds is not null;

    public override void Starting(Entry entry, int round) => entry.Data[roundsKey] = round;

    public override void Leaving(Entry entry, int roundsDone) => entry.Data[roundsKey] = roundsDone;

    public override string Describe() =>
        (rounds?.ToString(CultureInfo.InvariantCulture) ?? $"rounds from '{roundsFromKey}'") + $", {roundsKey}";
}
