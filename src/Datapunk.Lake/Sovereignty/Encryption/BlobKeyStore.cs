using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// The wrapped key of every blob, in a database file of its own (<c>keys/blob-keys.db</c>). It is separate from the
/// lake database because importers store blobs (attachments) while a file's record transaction holds the lake
/// database's write lock.
/// </summary>
public sealed class BlobKeyStore
{
    private readonly SqliteRecordStore _store;

    public BlobKeyStore(string databasePath)
    {
        _store = new SqliteRecordStore(databasePath);
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS blob_keys (sha256 TEXT PRIMARY KEY, master_key_id TEXT NOT NULL, wrapped_key BLOB NOT NULL)";
        command.ExecuteNonQuery();
    }

    /// <summary>Rewrites the key database so that destroyed keys leave no trace in its files.</summary>
    public void Scrub()
    {
        using var connection = _store.Open();
        DatabaseScrubber.Scrub(connection);
    }

    public (string MasterKeyId, byte[] Wrapped)? Get(string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT master_key_id, wrapped_key FROM blob_keys WHERE sha256 = $sha";
        command.Parameters.AddWithValue("$sha", sha256);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), (byte[])reader[1]) : null;
    }

    public void Put(string sha256, string masterKeyId, byte[] wrapped)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO blob_keys (sha256, master_key_id, wrapped_key) VALUES ($sha, $id, $key)";
        command.Parameters.AddWithValue("$sha", sha256);
        command.Parameters.AddWithValue("$id", masterKeyId);
        command.Parameters.AddWithValue("$key", wrapped);
        command.ExecuteNonQuery();
    }

    public bool Delete(string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM blob_keys WHERE sha256 = $sha";
        command.Parameters.AddWithValue("$sha", sha256);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Re-wraps every stored blob key in one transaction: <paramref name="rewrap"/> gets a blob's hash and wrapped key
    /// and returns the key wrapped by the new master key. Either every row changes or none does.
    /// </summary>
    /// <returns>The number of keys re-wrapped.</returns>
    public int Rewrap(string newMasterKeyId, Func<string, byte[], byte[]> rewrap)
    {
        using var connection = _store.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var rows = new List<(string Sha256, byte[] Wrapped)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT sha256, wrapped_key FROM blob_keys ORDER BY sha256";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), (byte[])reader[1]));
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE blob_keys SET master_key_id = $id, wrapped_key = $key WHERE sha256 = $sha";
        update.Parameters.AddWithValue("$id", newMasterKeyId);
        var key = update.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = "$key" });
        var sha = update.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = "$sha" });
        foreach (var (sha256, wrapped) in rows)
        {
            key.Value = rewrap(sha256, wrapped);
            sha.Value = sha256;
            update.ExecuteNonQuery();
        }

        transaction.Commit();
        return rows.Count;
    }

    /// <summary>Every blob hash that has a key.</summary>
    public IReadOnlyList<string> List()
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sha256 FROM blob_keys ORDER BY sha256";
        using var reader = command.ExecuteReader();
        var hashes = new List<string>();
        while (reader.Read())
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }
}
