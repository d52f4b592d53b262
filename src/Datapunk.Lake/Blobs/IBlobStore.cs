namespace Datapunk.Lake.Blobs;

/// <summary>
/// Content-addressed storage of original files. A blob is named by the SHA-256 of its content and never changes.
/// </summary>
/// <remarks>
/// Implementations must make a blob visible only once all of its bytes are durable, so a crash during
/// <see cref="PutAsync"/> leaves either the whole blob or nothing.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Stores the content of <paramref name="content"/>, read to its end, once per distinct content.</summary>
    Task<BlobPutResult> PutAsync(Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a stored blob for reading, or returns null when no blob has that hash.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Removes a blob. Returns false when it was not there.</summary>
    Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Checks that the store accepts writes; used by readiness checks.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);
}

/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
/// <param name="Length">Content length in bytes.</param>
/// <param name="Created">False when a blob with the same content was already stored.</param>
public sealed record BlobPutResult(string Sha256, long Length, bool Created);
