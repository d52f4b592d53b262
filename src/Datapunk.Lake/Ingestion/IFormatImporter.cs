using Datapunk.Lake.Blobs;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion;

/// <summary>
/// Turns the files of one format into records. Importers are matched to a file by its content, with its
/// path only as a hint, and read it as a stream: memory must not grow with the size of the file.
/// </summary>
public interface IFormatImporter
{
    /// <summary>A stable name, such as <c>google.location-history.records</c>, stored with every parse.</summary>
    string Format { get; }

    /// <summary>Bump when the records this importer makes for the same input change, so files are parsed again.</summary>
    int Version { get; }

    /// <summary>One line for <c>lake formats</c>.</summary>
    string Description { get; }

    /// <summary>Where the format usually sits in an export, for <c>lake formats</c>.</summary>
    string ExamplePath { get; }

    /// <summary>True when the file's first bytes (and, as a hint only, its path) show this format.</summary>
    bool CanRead(FileSniff sniff);

    /// <summary>
    /// Reads the whole file and yields its records in file order.
    /// </summary>
    /// <exception cref="ImportFormatException">The file breaks the format; the message gives where and why.</exception>
    IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context);
}

/// <summary>The facts an importer gets about the file it reads.</summary>
/// <param name="Path">The path inside the archive or folder, with '/' separators.</param>
/// <param name="Account">The account the export belongs to; part of every dataset name.</param>
/// <param name="MaxJsonValueBytes">The largest single JSON value to hold in memory; pass it to <see cref="Json.JsonStreamReader"/>.</param>
public sealed record ImportFileContext(
    string Path,
    string Account,
    string BlobSha256,
    long Length,
    CancellationToken CancellationToken,
    int MaxJsonValueBytes = Json.JsonStreamReader.DefaultMaxValueBytes)
{
    /// <summary>
    /// Stores bytes taken out of the file (such as a mail attachment) as a blob of their own, reading the stream to
    /// its end, and returns its hash and length. Null when the caller keeps no blobs; an importer then only hashes.
    /// </summary>
    /// <remarks>
    /// The blob is written at once, but registered with the record store only after the file's parse ends
    /// (committed or rolled back), because the file's record transaction holds the database's write lock.
    /// </remarks>
    public Func<Stream, BlobPutResult>? StoreBlob { get; init; }
}
