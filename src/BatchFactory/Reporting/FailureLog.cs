namespace BatchFactory.Reporting;

/// <summary>The entries a run failed on, for its summary: the first <see cref="RunSummary.MaxListedFailures"/> kept, the rest counted.</summary>
internal sealed class FailureLog
{
    private readonly List<EntryFailure> _listed = [];
    private long _notListed;

    public void Add(EntryFailure failure)
    {
        lock (_listed)
        {
            if (_listed.Count < RunSummary.MaxListedFailures)
            {
                _listed.Add(failure);
            }
            else
            {
                _notListed++;
            }
        }
    }

    public (IReadOnlyList<EntryFailure> Listed, long NotListed) Read()
    {
        lock (_listed)
        {
            return ([.. _listed], _notListed);
        }
    }
}
