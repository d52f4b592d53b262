using System.IO.Compression;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>A lake export that passed <see cref="ExportRestorer.VerifyAsync"/>, with its zip still open.</summary>
/// <param name="ForeignBlobs">Originals that records name but the export does not contain, each with the first line naming it.</param>
internal sealed record VerifiedExport(
    ZipArchive Archive,
    ExportManifest Manifest,
    IReadOnlyList<ExportOriginal> Originals,
    IReadOnlyDictionary<string, long> ForeignBlobs) : IDisposable
{
    public void Dispose() => Archive.Dispose();
}
