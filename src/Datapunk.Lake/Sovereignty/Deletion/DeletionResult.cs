namespace Datapunk.Lake.Sovereignty.Deletion;

/// <summary>What a deletion removed, or would remove in a dry run.</summary>
/// <param name="Records">Records deleted (with their place, text and vector index entries).</param>
/// <param name="Blobs">Original files deleted with their keys: files no remaining record comes from, and for a
/// whole dataset or an import, the archives its records came from.</param>
/// <param name="Datasets">Datasets that lost records.</param>
public sealed record DeletionResult(bool DryRun, long Records, long Blobs, IReadOnlyList<string> Datasets, long Tombstones);
