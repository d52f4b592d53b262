using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>The wrapped key of every blob, in the lake database beside the blob's metadata.</summary>
public sealed class BlobKeyStore
{
    private readonly SqliteRecordStore _store;

    public BlobKeyStore(SqliteRecordStore store)
    {
        _store = store;
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
