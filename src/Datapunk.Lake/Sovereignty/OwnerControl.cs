using System.Security.Cryptography;
using Datapunk.Lake.Blobs.FileSystem;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Sovereignty.Integrity;
using Datapunk.Lake.Sovereignty.Retention;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty;

/// <summary>What lets the owner decide who reads what, prove what happened, take everything out and make anything disappear.</summary>
public sealed class OwnerControl
{
    private readonly SqliteRecordStore _store;
    private readonly EncryptedBlobStore _blobs;

    private OwnerControl(SqliteRecordStore store, EncryptedBlobStore blobs, BlobKeyStore keys, DatasetKeys datasetKeys, string dataDirectory)
    {
        _store = store;
        _blobs = blobs;
        DatasetKeys = datasetKeys;
        Tokens = new TokenService(store);
        Audit = AuditLog.InDataDirectory(dataDirectory);
        Deletion = new DeletionService(store, blobs, Audit, datasetKeys);
        Exporter = new LakeExporter(store, blobs, Audit);
        Retention = new RetentionService(store, Deletion, Audit);
        Verifier = new LakeVerifier(store, blobs, keys, Audit);
    }

    public TokenService Tokens { get; }

    /// <summary>The data key of each dataset, and the re-wrap of blob keys under them after each import.</summary>
    public DatasetKeys DatasetKeys { get; }

    public AuditLog Audit { get; }

    public DeletionService Deletion { get; }

    public LakeExporter Exporter { get; }

    public RetentionService Retention { get; }

    public LakeVerifier Verifier { get; }

    /// <summary>
    /// Replaces the master key: every data key, and every blob key not attributed to a dataset, is unwrapped with the
    /// current key and wrapped with <paramref name="next"/> in one transaction of <c>keys/blob-keys.db</c>, then the
    /// lake records the new key's id (and, for a passphrase, its salt). Blob files and the blob keys wrapped by data
    /// keys do not change. Audited.
    /// </summary>
    /// <param name="passphraseSalt">The salt <paramref name="next"/> was stretched with, when it comes from a passphrase.</param>
    /// <remarks>
    /// NOTE: a crash between the key transaction and the settings update leaves every key wrapped by the new
    /// master key while the lake database still names the old key's id, so opening with either key fails with the
    /// id message; the fix is to set <c>master_key_id</c> in <c>lake_settings</c> to the new id by hand.
    /// </remarks>
    public async Task<int> RotateMasterKeyAsync(MasterKey next, byte[]? passphraseSalt, string? tokenId, CancellationToken cancellationToken)
    {
        var previous = _blobs.MasterKey;
        if (string.Equals(previous.Id, next.Id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The new master key from {next.Source} is the key the lake already uses (key id {next.Id}).");
        }

        var count = await _blobs.RotateMasterKeyAsync(next, cancellationToken);
        var settings = new LakeSettings(_store);
        settings.Set("master_key_id", next.Id);
        if (passphraseSalt is not null)
        {
            settings.Set("passphrase_salt", Convert.ToBase64String(passphraseSalt));
        }

        Audit.Append(tokenId, "keys.rotate", $"master key {previous.Id} -> {next.Id} ({next.Source})",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ok: {count} keys re-wrapped"));
        return count;
    }

    /// <summary>
    /// True when <paramref name="scope"/> may read a blob: it has no constraints, or a record it may see comes from
    /// the blob or links it (a photo's media file, a mail attachment).
    /// </summary>
    public bool IsBlobVisible(string sha256, AccessScope? scope)
    {
        if (scope is null || scope.IsUnconstrained)
        {
            return true;
        }

        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + scope.ExistsRecord(command, "(sr.blob_sha256 = $sha OR sr.seq IN (SELECT seq FROM record_blob_links WHERE blob_sha256 = $sha))");
        command.Parameters.AddWithValue("$sha", sha256);
        return (long)command.ExecuteScalar()! == 1;
    }

    /// <summary>
    /// Loads the master key (checking it is the one this lake was created with), opens the encrypted blob store and
    /// encrypts blobs left in plain text by a version without encryption. Then it re-wraps the blob keys of imports
    /// not yet attributed to datasets (after a crash, or in a lake made before data keys). It also re-wraps linked blobs,
    /// such as mail attachments, that still have a master wrap because the lake was attributed before links counted.
    /// It destroys the data keys of datasets without records, which an interrupted deletion can leave behind, and
    /// creates the owner token on the first start.
    /// </summary>
    /// <exception cref="InvalidOperationException">The master key is not valid.</exception>
    /// <exception cref="InvalidSettingException">The master key is not this lake's, or none is set for an existing lake.</exception>
    internal static async Task<(OwnerControl Control, EncryptedBlobStore Blobs)> OpenAsync(SqliteRecordStore store, LakeOptions options, CancellationToken cancellationToken)
    {
        var settings = new LakeSettings(store);
        var knownId = settings.Get("master_key_id");
        var masterKey = MasterKeySource.Resolve(options.DataDirectory, () => PassphraseSalt(settings), createDefaultKey: knownId is null);
        if (knownId is null)
        {
            settings.Set("master_key_id", masterKey.Id);
        }
        else if (!string.Equals(knownId, masterKey.Id, StringComparison.Ordinal))
        {
            // A setting the user fixes, so the command line prints this one line and exits 2 instead of a stack trace.
            throw new InvalidSettingException(
                $"master key from {masterKey.Source}",
                null,
                $"It is not the key of this lake (key id {masterKey.Id}, expected {knownId}). Set the lake's key with {MasterKeySource.KeyFileVariable}, {MasterKeySource.KeyVariable} or {MasterKeySource.PassphraseVariable}.");
        }

        var keys = new BlobKeyStore(Path.Combine(options.DataDirectory, "keys", "blob-keys.db"));
        var blobs = new EncryptedBlobStore(options.BlobDirectory, masterKey, keys);

        // A write that is still running touches its temporary file at least every few seconds.
        blobs.CleanTemporaryFiles(TimeSpan.FromHours(1));
        await EncryptPlainBlobsAsync(blobs, keys, settings, cancellationToken);

        var datasetKeys = new DatasetKeys(keys, new BlobAttribution(store), blobs);
        await datasetKeys.AttributeImportsAsync(runningImportId: null, cancellationToken);
        await datasetKeys.AttributeLinkedBlobsAsync(cancellationToken);
        if (await datasetKeys.DestroyKeysOfEmptyDatasetsAsync(datasets: null, cancellationToken) > 0)
        {
            keys.Scrub();
        }

        var control = new OwnerControl(store, blobs, keys, datasetKeys, options.DataDirectory);
        if (control.Tokens.EnsureOwnerToken(options.OwnerTokenPath))
        {
            control.Audit.Append(null, "token.create", "owner token written to " + TokenService.OwnerTokenFileName, "ok");
        }

        return (control, blobs);
    }

    private static byte[] PassphraseSalt(LakeSettings settings)
    {
        if (settings.Get("passphrase_salt") is { } stored)
        {
            return Convert.FromBase64String(stored);
        }

        var salt = RandomNumberGenerator.GetBytes(16);
        settings.Set("passphrase_salt", Convert.ToBase64String(salt));
        return salt;
    }

    /// <summary>Encrypts, once, the plain blob files that a lake created before encryption at rest holds.</summary>
    private static async Task EncryptPlainBlobsAsync(EncryptedBlobStore blobs, BlobKeyStore keys, LakeSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Get("blobs_encrypted") is not null)
        {
            return;
        }

        var plain = new FileSystemBlobStore(blobs.Root);
        foreach (var sha256 in blobs.EnumerateFiles().ToList())
        {
            if (keys.Find(sha256) is not null)
            {
                continue;
            }

            await using var content = await plain.OpenReadAsync(sha256, cancellationToken);
            if (content is not null)
            {
                await blobs.PutAsync(content, cancellationToken);
            }
        }

        settings.Set("blobs_encrypted", "1");
    }
}
