using System.Globalization;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Keeps each entry with a given probability, decided by a seeded hash of its idx: the same seed keeps the same
/// entries on every run, whatever the arrival order, and streams without holding entries back.
/// </summary>
internal sealed class SampleProportionOp : EntryOp
{
    private readonly double _proportion;
    private readonly long _seed;

    public SampleProportionOp(double proportion, long seed)
        : base("SampleProportion")
    {
        if (!(proportion is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(proportion), proportion, "SampleProportion: the proportion must be between 0 and 1.");
        }

        _proportion = proportion;
        _seed = seed;
    }

    internal override bool SafeInParallel => true;

    private protected override string Describe() => string.Create(CultureInfo.InvariantCulture, $"{_proportion}, seed {_seed}");

    protected override bool CanDrop => true;

    protected override Entry? Process(Entry entry) => StableHash.Unit(entry.Idx, _seed) < _proportion ? entry : null;
}
