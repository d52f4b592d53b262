namespace Datapunk.Lake.Ingestion.Archives;

/// <summary>One file inside an archive or a folder, opened on demand.</summary>
/// <param name="Path">The path as the archive names it, with '/' separators.</param>
/// <param name="DeclaredLength">The expanded size the archive states; not trusted.</param>
/// <param name="CompressedLength">The compressed size, when the format gives one per entry.</param>
/// <param name="Open">Opens the content. For a streamed archive, valid only until the next entry is requested.</param>
public sealed record ArchiveEntry(string Path, long? DeclaredLength, long? CompressedLength, Func<Stream> Open);

/// <summary>The archive itself cannot be read further (truncated, corrupt or not an archive).</summary>
public sealed class ArchiveReadException(string message, string? position, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string? Position { get; } = position;
}
