namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>The result of checking the audit chain.</summary>
/// <param name="FirstBadSequence">The sequence number of the first entry that does not check out, or null.</param>
/// <param name="Problem">What is wrong with that entry, or null when the chain is intact.</param>
public sealed record AuditVerification(bool IsValid, long EntriesChecked, long? FirstBadSequence, string? Problem);
