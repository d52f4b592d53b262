using Datapunk.Lake.Sovereignty.Audit;

namespace Datapunk.Lake.Sovereignty.Integrity;

/// <summary>What <see cref="LakeVerifier"/> found, and what it repaired when asked to.</summary>
public sealed record IntegrityReport(
    long BlobsChecked,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Repairs,
    long RecordsChecked,
    AuditVerification Audit)
{
    public bool IsValid => Problems.Count == 0 && Audit.IsValid;
}
