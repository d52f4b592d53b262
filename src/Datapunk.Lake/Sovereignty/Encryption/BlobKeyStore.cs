using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The key database (<c>keys/blob-keys.db</c>): each dataset's data key wrapped by the master key, each blob key
/// wrapped by the data key of every dataset whose records come from the blob, and the keys of blobs not attributed
/// to any dataset wrapped by the master key. It is separate from the lake database because importers store blobs
/// (attachments) while a file's record transaction holds the lake database's write lock.
/// </summary>
/// <remarks>
/// Schema versions, in <c>PRAGMA user_version</c>: 0 is the first layout (only <c>blob_keys</c>, one master-wrapped
/// key per blob); 2 adds <c>dataset_keys</c>, <c>blob_dataset_keys</c> and <c>attributed_imports</c>. A lake of
/// version 0 keeps working because a master-wrapped key is still valid; <see cref="DatasetKeys"/> re-wraps those
/// keys under data keys when the lake opens.
/// </remarks>
public sealed class BlobKeyStore
{
    private const int SchemaVersion = 2;

    private readonly SqliteRecordStore _store;

    public BlobKeyStore(string databasePath)
    {
        _store = new SqliteRecordStore(databasePath);
        DatabasePath = _store.DatabasePath;
        Migrate();
    }

    public string DatabasePath { get; }

    /// <summary>Rewrites the key database so that destroyed keys leave no trace in its files.</summary>
    public void Scrub()
    {
        using var connection = _store.Open();
        DatabaseScrubber.Scrub(connection);
    }

    /// <summary>Every wrap of a blob's key, or null when the blob has none.</summary>
    public BlobKeyWraps? Find(string sha256)
    {
        using var keys = Begin(write: false);
        return keys.Find(sha256);
    }

    /// <summary>Stores a blob key wrapped by the master key, the state of every blob until it is attributed.</summary>
    public void Put(string sha256, string masterKeyId, byte[] wrapped)
    {
        using var keys = Begin(write: true);
        keys.PutMasterWrap(sha256, masterKeyId, wrapped);
        keys.Commit();
    }

    /// <summary>Destroys every wrap of a blob's key. Returns false when it had none.</summary>
    public bool Delete(string sha256)
    {
        using var keys = Begin(write: true);
        var deleted = keys.DeleteAllWraps(sha256);
        keys.Commit();
        return deleted;
    }

    /// <summary>
    /// Re-wraps every key that the master key wraps (data keys and blob keys not attributed to a dataset) in one
    /// transaction. <paramref name="rewrapBlob"/> and <paramref name="rewrapDataKey"/> get a name and a wrapped key
    /// and return it wrapped by the new master key. Blob keys wrapped by data keys do not change.
    /// </summary>
    /// <returns>The number of keys re-wrapped.</returns>
    public int Rewrap(string newMasterKeyId, Func<string, byte[], byte[]> rewrapBlob, Func<string, byte[], byte[]> rewrapDataKey)
    {
        using var keys = Begin(write: true);
        var (blobs, datasets) = keys.MasterWrappedKeys();
        foreach (var (sha256, wrapped) in blobs)
        {
            keys.UpdateMasterWrap(sha256, newMasterKeyId, rewrapBlob(sha256, wrapped));
        }

        foreach (var (dataset, wrapped) in datasets)
        {
            keys.UpdateDataKey(dataset, newMasterKeyId, rewrapDataKey(dataset, wrapped));
        }

        keys.Commit();
        return blobs.Count + datasets.Count;
    }

    /// <summary>Every blob hash that has a key.</summary>
    public IReadOnlyList<string> List()
    {
        using var keys = Begin(write: false);
        return keys.KeyedBlobs();
    }

    /// <summary>The names of the datasets that have a data key.</summary>
    public IReadOnlyList<string> Datasets()
    {
        using var keys = Begin(write: false);
        return keys.DatasetsWithKeys();
    }

    internal BlobKeyTransaction Begin(bool write) => new(_store.Open(), write);

    private void Migrate()
    {
        using var connection = _store.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version >= SchemaVersion)
        {
            return;
        }

        // The foreign key makes a blob key wrapped by a data key go with that data key, whatever deletes it.
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS blob_keys (sha256 TEXT PRIMARY KEY, master_key_id TEXT NOT NULL, wrapped_key BLOB NOT NULL);

            CREATE TABLE dataset_keys (
                dataset TEXT PRIMARY KEY,
                master_key_id TEXT NOT NULL,
                wrapped_key BLOB NOT NULL,
                created_ms INTEGER NOT NULL
            );

            CREATE TABLE blob_dataset_keys (
                sha256 TEXT NOT NULL,
                dataset TEXT NOT NULL REFERENCES dataset_keys (dataset) ON DELETE CASCADE,
                wrapped_key BLOB NOT NULL,
                PRIMARY KEY (sha256, dataset)
            );

            CREATE INDEX blob_dataset_keys_by_dataset ON blob_dataset_keys (dataset);

            CREATE TABLE attributed_imports (
                import_id TEXT PRIMARY KEY,
                attributed_ms INTEGER NOT NULL
            );

            PRAGMA user_version = 2;
            """;
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}
