using Datapunk.Lake.Blobs;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Ingestion;

/// <summary>
/// Work that needs every file of an import at once, run after the last file was parsed: importers see one file
/// at a time, so relations between files (a photo and its metadata sidecar) are made here.
/// </summary>
/// <remarks>
/// A pass must be idempotent, because it runs again, over files reported as unchanged, when an import is repeated
/// after a crash or a cancellation.
/// </remarks>
public interface IImportPostPass
{
    /// <summary>A stable name for logs and reports.</summary>
    string Name { get; }

    /// <summary>Runs the pass over the files of one import and returns how many records it added.</summary>
    Task<long> RunAsync(ImportPostPassContext context, CancellationToken cancellationToken);
}

/// <summary>What a post-pass works on: the stores and the per-file reports of one import.</summary>
public sealed record ImportPostPassContext(
    IRecordStore Store,
    IBlobStore Blobs,
    string ImportId,
    string Account,
    IReadOnlyList<ImportFileReport> Files);
