namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>An entry queued for the next batch of <see cref="AuditLog.Append"/>, and the caller's wait for its result.</summary>
internal sealed class PendingAuditAppend(string? tokenId, string action, string? target, string outcome)
{
    public string? TokenId { get; } = tokenId;

    public string Action { get; } = action;

    public string? Target { get; } = target;

    public string Outcome { get; } = outcome;

    /// <summary>Set when the batch is committed or failed, or, with <see cref="IsCompleted"/> still false, when this caller is to write the next batch.</summary>
    /// <remarks>
    /// No spinning: the wait lasts a whole SQLite commit, and spinning takes CPU from the writer on small machines.
    /// Never disposed, because the writer may still be inside <c>Set</c> when the caller wakes; the event allocates no
    /// kernel handle unless <c>WaitHandle</c> is read.
    /// </remarks>
    public ManualResetEventSlim Done { get; } = new(initialState: false, spinCount: 0);

    /// <summary>Whether the batch that contained this entry has finished, with <see cref="Entry"/> or <see cref="Failure"/>.</summary>
    public bool IsCompleted { get; set; }

    /// <summary>The committed entry, with its sequence and hash.</summary>
    public AuditEntry? Entry { get; set; }

    /// <summary>The exception that made the batch fail.</summary>
    public Exception? Failure { get; set; }
}
