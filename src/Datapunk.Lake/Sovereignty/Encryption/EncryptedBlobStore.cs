using System.Security.Cryptography;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Blobs.FileSystem;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// Content-addressed blobs, encrypted at rest. Each blob is named by the SHA-256 of its plaintext (so content is
/// still stored once), sealed in chunks under its own random key (see <see cref="EncryptedBlobFormat"/>), and that
/// key is kept in the key database: wrapped by the master key when the blob is stored, and later by the data key of
/// each dataset that claims it (see <see cref="DatasetKeys"/>). The files under the root are ciphertext only.
/// </summary>
/// <remarks>
/// Deleting a blob removes its file and every wrap of its key. Once the key database is vacuumed (deletions do
/// that), any copy of the file that survives elsewhere, such as in a backup of the blob folder, can no longer be
/// decrypted.
/// The layout (<c>ab/cd/abcd…</c> and <c>.tmp/</c>) is the one of the plain file-system store.
/// </remarks>
public sealed class EncryptedBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _temporaryFolder;
    private MasterKey _masterKey;
    private readonly BlobKeyStore _keys;

    // Finishing a put (key row, then rename) must not interleave with another put of the same content, or the
    // stored key could belong to the other writer's file. Re-wraps take it too, so that none works with a master key
    // that a rotation is replacing. One lock per store is enough: each step is short.
    private readonly SemaphoreSlim _finish = new(1, 1);

    public EncryptedBlobStore(string root, MasterKey masterKey, BlobKeyStore keys)
    {
        _root = Path.GetFullPath(root);
        _temporaryFolder = Path.Combine(_root, ".tmp");
        _masterKey = masterKey;
        _keys = keys;
        Directory.CreateDirectory(_temporaryFolder);
    }

    public string Root => _root;

    public MasterKey MasterKey => _masterKey;

    /// <summary>
    /// Re-wraps every key that the master key wraps (data keys, and blob keys not attributed to a dataset) under
    /// <paramref name="next"/> and switches this store to it. Blob files and blob keys wrapped by data keys do not
    /// change. Puts and re-wraps wait meanwhile, so no key is wrapped by the old master key after the switch.
    /// </summary>
    public async Task<int> RotateMasterKeyAsync(MasterKey next, CancellationToken cancellationToken)
    {
        await _finish.WaitAsync(cancellationToken);
        try
        {
            var current = _masterKey;
            var count = _keys.Rewrap(next.Id,
                (sha256, wrapped) => current.RewrapFor(next, wrapped, sha256),
                (dataset, wrapped) => current.RewrapDataKeyFor(next, wrapped, dataset));
            _masterKey = next;
            return count;
        }
        finally
        {
            _finish.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> with the current master key while no put, re-wrap or rotation runs.</summary>
    internal async Task<T> WithMasterKeyAsync<T>(Func<MasterKey, T> work, CancellationToken cancellationToken)
    {
        await _finish.WaitAsync(cancellationToken);
        try
        {
            return work(_masterKey);
        }
        finally
        {
            _finish.Release();
        }
    }

    /// <summary>Returns null when a wrap of the blob's key opens, or else why none does (no key, or which wraps failed).</summary>
    public string? DescribeKeyProblem(string sha256)
    {
        if (_keys.Find(sha256) is not { } wraps)
        {
            return $"Blob {sha256} has no key.";
        }

        try
        {
            CryptographicOperations.ZeroMemory(wraps.Unwrap(_masterKey));
            return null;
        }
        catch (CryptographicException exception)
        {
            return exception.Message;
        }
    }

    public async Task<BlobPutResult> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        var temporaryPath = Path.Combine(_temporaryFolder, Guid.NewGuid().ToString("N"));
        var key = RandomNumberGenerator.GetBytes(32);
        string sha256;
        long length;
        try
        {
            (sha256, length) = await EncryptToFileAsync(content, temporaryPath, key, cancellationToken);
        }
        catch
        {
            File.Delete(temporaryPath);
            CryptographicOperations.ZeroMemory(key);
            throw;
        }

        var finalPath = PathFor(sha256);

        // The stored file is decrypted outside the lock, because that reads the whole file. A damaged file is
        // replaced below: the fresh bytes have the same SHA-256, so they are the blob's content.
        var storedFileReadable = File.Exists(finalPath) && DescribeKeyProblem(sha256) is null && FileDecrypts(sha256);
        await _finish.WaitAsync(cancellationToken);
        try
        {
            if (storedFileReadable && File.Exists(finalPath) && DescribeKeyProblem(sha256) is null)
            {
                File.Delete(temporaryPath);
                return new BlobPutResult(sha256, length, Created: false);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            if (_keys.Find(sha256) is { } wraps && DescribeKeyProblem(sha256) is null)
            {
                // The key still opens but the file is missing or damaged: the fresh bytes are sealed again under
                // that key, so every wrap of it (master key, data keys) stays valid.
                await ResealAsync(temporaryPath, key, wraps.Unwrap(_masterKey), finalPath, cancellationToken);
                return new BlobPutResult(sha256, length, Created: true);
            }

            // A new blob, or one whose key no longer opens (its data keys were destroyed), gets a new key. The key
            // goes in first: a crash before the rename leaves an unused key row, never a file without a key.
            _keys.Put(sha256, _masterKey.Id, _masterKey.Wrap(key, sha256));
            File.Move(temporaryPath, finalPath, overwrite: true);
            return new BlobPutResult(sha256, length, Created: true);
        }
        finally
        {
            _finish.Release();
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Decrypts the whole stored file of a blob. Returns false when the file is missing, cut short, changed or
    /// sealed under another key. Each chunk's authentication tag covers its index and whether it is the last one,
    /// so a file that decrypts to its end is the content sealed under this blob's key, and no hash is computed.
    /// </summary>
    /// <remarks>NOTE: every put of content already stored calls this, so re-importing an export reads each of its blobs once more.</remarks>
    public bool FileDecrypts(string sha256)
    {
        try
        {
            using var content = OpenReadAsync(sha256, CancellationToken.None).GetAwaiter().GetResult();
            if (content is null)
            {
                return false;
            }

            var buffer = new byte[EncryptedBlobFormat.ChunkSize];
            while (content.Read(buffer) > 0)
            {
            }

            return true;
        }
        catch (Exception exception) when (exception is CryptographicException or IOException)
        {
            return false;
        }
    }

    /// <summary>Re-encrypts the temporary file (sealed under <paramref name="temporaryKey"/>) under <paramref name="blobKey"/> and moves it to <paramref name="finalPath"/>.</summary>
    private static async Task ResealAsync(string temporaryPath, byte[] temporaryKey, byte[] blobKey, string finalPath, CancellationToken cancellationToken)
    {
        var resealedPath = temporaryPath + ".reseal";
        try
        {
            var file = new FileStream(temporaryPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

            // DecryptingReadStream zeroes the key it gets, so it gets a copy. The caller zeroes the original.
            await using (var plain = new DecryptingReadStream(file, (byte[])temporaryKey.Clone()))
            {
                await EncryptToFileAsync(plain, resealedPath, blobKey, cancellationToken);
            }

            File.Move(resealedPath, finalPath, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blobKey);
            File.Delete(temporaryPath);
            File.Delete(resealedPath);
        }
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!BlobHash.IsValid(sha256))
        {
            return Task.FromResult<Stream?>(null);
        }

        var path = PathFor(sha256);
        if (!File.Exists(path) || _keys.Find(sha256) is not { } wraps)
        {
            return Task.FromResult<Stream?>(null);
        }

        // Throws when no wrap opens: the blob is stored, but its key was destroyed or belongs to another master key.
        var key = wraps.Unwrap(_masterKey);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.RandomAccess);
        try
        {
            Stream stream = new DecryptingReadStream(file, key);
            return Task.FromResult<Stream?>(stream);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(BlobHash.IsValid(sha256) && File.Exists(PathFor(sha256)) && _keys.Find(sha256) is not null);

    /// <summary>Removes the blob's file and destroys every wrap of its key.</summary>
    public Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!BlobHash.IsValid(sha256))
        {
            return Task.FromResult(false);
        }

        var path = PathFor(sha256);
        var existed = File.Exists(path);
        if (existed)
        {
            File.Delete(path);
        }

        return Task.FromResult(_keys.Delete(sha256) || existed);
    }

    public Task<bool> IsWritableAsync(CancellationToken cancellationToken) =>
        TemporaryFolder.IsWritableAsync(_temporaryFolder, cancellationToken);

    /// <summary>Removes temporary files last written more than <paramref name="olderThan"/> ago.</summary>
    public int CleanTemporaryFiles(TimeSpan olderThan) => TemporaryFolder.Clean(_temporaryFolder, olderThan);

    /// <summary>The hash of every blob file under the root (named like a blob), whether or not it has a key.</summary>
    public IEnumerable<string> EnumerateFiles() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(BlobHash.IsValid)!;

    public string PathFor(string sha256) => Path.Combine(_root, sha256[..2], sha256[2..4], sha256);

    private static async Task<(string Sha256, long Length)> EncryptToFileAsync(Stream content, string path, byte[] key, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var aes = new AesGcm(key, EncryptedBlobFormat.TagSize);
        var current = new byte[EncryptedBlobFormat.ChunkSize];
        var next = new byte[EncryptedBlobFormat.ChunkSize];
        var sealedChunk = new byte[EncryptedBlobFormat.ChunkSize + EncryptedBlobFormat.TagSize];
        var nonce = new byte[12];
        var associated = new byte[9];
        long length = 0;
        long index = 0;

        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        var header = new byte[EncryptedBlobFormat.HeaderSize];
        EncryptedBlobFormat.WriteHeader(header, 0);
        await output.WriteAsync(header, cancellationToken);

        // One chunk is read ahead, because the final chunk is sealed with a flag that marks it as final.
        var currentLength = await content.ReadAtLeastAsync(current, current.Length, throwOnEndOfStream: false, cancellationToken);
        while (true)
        {
            var nextLength = currentLength < current.Length
                ? 0
                : await content.ReadAtLeastAsync(next, next.Length, throwOnEndOfStream: false, cancellationToken);
            var last = nextLength == 0;

            hash.AppendData(current, 0, currentLength);
            EncryptedBlobFormat.Nonce(nonce, index);
            EncryptedBlobFormat.AssociatedData(associated, index, last);
            aes.Encrypt(nonce, current.AsSpan(0, currentLength), sealedChunk.AsSpan(0, currentLength),
                sealedChunk.AsSpan(currentLength, EncryptedBlobFormat.TagSize), associated);
            await output.WriteAsync(sealedChunk.AsMemory(0, currentLength + EncryptedBlobFormat.TagSize), cancellationToken);
            length += currentLength;
            index++;

            if (last)
            {
                break;
            }

            (current, next) = (next, current);
            currentLength = nextLength;
        }

        EncryptedBlobFormat.WriteHeader(header, length);
        output.Position = 0;
        await output.WriteAsync(header, cancellationToken);
        await output.FlushAsync(cancellationToken);
        output.Flush(flushToDisk: true);
        CryptographicOperations.ZeroMemory(current);
        CryptographicOperations.ZeroMemory(next);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
