namespace Datapunk.Lake.Imports;

/// <summary>
/// The live state of one import. Only the legal transitions are accepted: Queued → Running → Succeeded, Failed
/// or Cancelled, and Queued → Cancelled.
/// </summary>
public sealed class ImportJob
{
    private readonly Lock _lock = new();
    private ImportSummary _summary;

    public ImportJob(ImportSummary summary)
    {
        _summary = summary;
    }

    public string Id => _summary.Id;

    /// <summary>A consistent copy of the current state and counters.</summary>
    public ImportSummary Summary
    {
        get
        {
            lock (_lock)
            {
                return _summary;
            }
        }
    }

    public void Update(Func<ImportSummary, ImportSummary> change)
    {
        lock (_lock)
        {
            var changed = change(_summary);
            if (changed.State != _summary.State)
            {
                throw new InvalidOperationException("Change the state of an import with TransitionTo.");
            }

            _summary = changed;
        }
    }

    public void TransitionTo(ImportState next, string? message = null)
    {
        lock (_lock)
        {
            var current = _summary.State;
            var legal = (current, next) switch
            {
                (ImportState.Queued, ImportState.Running) => true,
                (ImportState.Queued, ImportState.Cancelled) => true,
                (ImportState.Running, ImportState.Succeeded or ImportState.Failed or ImportState.Cancelled) => true,
                _ => false,
            };

            if (!legal)
            {
                throw new InvalidOperationException($"Import {Id} cannot go from {current} to {next}.");
            }

            var now = DateTimeOffset.UtcNow;
            _summary = _summary with
            {
                State = next,
                StartedAt = next == ImportState.Running ? now : _summary.StartedAt,
                FinishedAt = next is ImportState.Succeeded or ImportState.Failed or ImportState.Cancelled ? now : null,
                Message = message ?? _summary.Message,
            };
        }
    }

    /// <summary>Creates a queued import with a new time-ordered id.</summary>
    public static ImportJob Create(string source, string account) => new(new ImportSummary
    {
        Id = "imp_" + Guid.CreateVersion7().ToString("N"),
        Source = source,
        Account = account,
        State = ImportState.Queued,
        CreatedAt = DateTimeOffset.UtcNow,
    });
}
