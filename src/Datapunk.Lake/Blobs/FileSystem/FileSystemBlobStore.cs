using System.Security.Cryptography;

namespace Datapunk.Lake.Blobs.FileSystem;

/// <summary>
/// Blobs as files under a root folder, sharded as <c>ab/cd/abcd…</c> by the first four hex digits of the hash.
/// </summary>
/// <remarks>
/// A blob is first written to <c>.tmp/</c> under the root while it is hashed, flushed to disk, then renamed
/// into place. A rename within one file system is atomic, so readers never see a partial blob, and a
/// crash leaves at most a stray temporary file, which <see cref="CleanTemporaryFiles"/> removes.
/// </remarks>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int CopyBufferSize = 1 << 20;

    private readonly string _root;
    private readonly string _temporaryFolder;

    public FileSystemBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        _temporaryFolder = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(_temporaryFolder);
    }

    public string Root => _root;

    public async Task<BlobPutResult> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        var temporaryPath = Path.Combine(_temporaryFolder, Guid.NewGuid().ToString("N"));
        long length = 0;
        string sha256;

        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[CopyBufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    length += read;
                }

                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }

            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }

        var finalPath = PathFor(sha256);
        if (File.Exists(finalPath))
        {
            File.Delete(temporaryPath);
            return new BlobPutResult(sha256, length, Created: false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        try
        {
            File.Move(temporaryPath, finalPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            // Another writer stored the same content first; its bytes are identical to ours.
            File.Delete(temporaryPath);
            return new BlobPutResult(sha256, length, Created: false);
        }

        return new BlobPutResult(sha256, length, Created: true);
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!BlobHash.IsValid(sha256))
        {
            return Task.FromResult<Stream?>(null);
        }

        var path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }

        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        return Task.FromResult<Stream?>(stream);
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(BlobHash.IsValid(sha256) && File.Exists(PathFor(sha256)));

    public Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!BlobHash.IsValid(sha256))
        {
            return Task.FromResult(false);
        }

        var path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    public Task<bool> IsWritableAsync(CancellationToken cancellationToken) =>
        TemporaryFolder.IsWritableAsync(_temporaryFolder, cancellationToken);

    /// <summary>
    /// Removes temporary files last written before <paramref name="olderThan"/> ago: those that an interrupted
    /// write left behind. Younger files may belong to a write still running in another process.
    /// </summary>
    public int CleanTemporaryFiles(TimeSpan olderThan) => TemporaryFolder.Clean(_temporaryFolder, olderThan);

    /// <summary>The file that holds the blob, whether or not it exists.</summary>
    public string PathFor(string sha256) =>
        Path.Combine(_root, sha256[..2], sha256[2..4], sha256);
}
