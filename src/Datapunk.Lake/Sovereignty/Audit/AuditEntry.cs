namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>
/// One line of the audit log: who (a token id, never its secret; null for a local command or a caller without a
/// valid token) did what to which data, with what outcome.
/// </summary>
/// <param name="Target">Dataset, import, record ids or a count, as short text; never record content.</param>
/// <param name="PreviousHash">The <see cref="Hash"/> of the entry before, or 64 zeros for the first entry.</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string? TokenId,
    string Action,
    string? Target,
    string Outcome,
    string PreviousHash,
    string Hash);
