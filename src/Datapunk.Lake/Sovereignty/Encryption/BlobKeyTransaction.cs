using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// One transaction of the keys database: every read and write of wrapped keys goes through here, so that a change
/// to several rows (a re-wrap, a destroyed data key) is all or nothing.
/// </summary>
internal sealed class BlobKeyTransaction : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    public BlobKeyTransaction(SqliteConnection connection, bool write)
    {
        _connection = connection;

        // A write takes the write lock at once (BEGIN IMMEDIATE), so what it reads cannot change before it writes.
        _transaction = connection.BeginTransaction(deferred: !write);
    }

    public BlobKeyWraps? Find(string sha256)
    {
        string? masterKeyId = null;
        byte[]? masterWrapped = null;
        using (var command = Command("SELECT master_key_id, wrapped_key FROM blob_keys WHERE sha256 = $sha", ("$sha", sha256)))
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                masterKeyId = reader.GetString(0);
                masterWrapped = (byte[])reader[1];
            }
        }

        var datasets = new List<DatasetWrappedKey>();
        using (var command = Command("""
            SELECT w.dataset, w.wrapped_key, d.master_key_id, d.wrapped_key
            FROM blob_dataset_keys w LEFT JOIN dataset_keys d ON d.dataset = w.dataset
            WHERE w.sha256 = $sha ORDER BY w.dataset
            """, ("$sha", sha256)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                datasets.Add(new DatasetWrappedKey(reader.GetString(0), (byte[])reader[1],
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : (byte[])reader[3]));
            }
        }

        return masterWrapped is null && datasets.Count == 0 ? null : new BlobKeyWraps(sha256, masterKeyId, masterWrapped, datasets);
    }

    public void PutMasterWrap(string sha256, string masterKeyId, byte[] wrapped) =>
        Execute("INSERT OR REPLACE INTO blob_keys (sha256, master_key_id, wrapped_key) VALUES ($sha, $id, $key)",
            ("$sha", sha256), ("$id", masterKeyId), ("$key", wrapped));

    public bool DeleteMasterWrap(string sha256) => Execute("DELETE FROM blob_keys WHERE sha256 = $sha", ("$sha", sha256)) > 0;

    /// <summary>Removes every wrap of a blob's key; true when there was one.</summary>
    public bool DeleteAllWraps(string sha256)
    {
        var master = DeleteMasterWrap(sha256);
        var datasets = Execute("DELETE FROM blob_dataset_keys WHERE sha256 = $sha", ("$sha", sha256));
        return master || datasets > 0;
    }

    public (string MasterKeyId, byte[] Wrapped)? FindDataKey(string dataset)
    {
        using var command = Command("SELECT master_key_id, wrapped_key FROM dataset_keys WHERE dataset = $dataset", ("$dataset", dataset));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), (byte[])reader[1]) : null;
    }

    public void AddDataKey(string dataset, string masterKeyId, byte[] wrapped, long nowMs) =>
        Execute("INSERT INTO dataset_keys (dataset, master_key_id, wrapped_key, created_ms) VALUES ($dataset, $id, $key, $now)",
            ("$dataset", dataset), ("$id", masterKeyId), ("$key", wrapped), ("$now", nowMs));

    /// <summary>Removes a dataset's data key and every blob key wrapped by it.</summary>
    public void DeleteDataKey(string dataset)
    {
        Execute("DELETE FROM blob_dataset_keys WHERE dataset = $dataset", ("$dataset", dataset));
        Execute("DELETE FROM dataset_keys WHERE dataset = $dataset", ("$dataset", dataset));
    }

    public void PutDatasetWrap(string sha256, string dataset, byte[] wrapped) =>
        Execute("INSERT OR REPLACE INTO blob_dataset_keys (sha256, dataset, wrapped_key) VALUES ($sha, $dataset, $key)",
            ("$sha", sha256), ("$dataset", dataset), ("$key", wrapped));

    public void DeleteDatasetWrap(string sha256, string dataset) =>
        Execute("DELETE FROM blob_dataset_keys WHERE sha256 = $sha AND dataset = $dataset", ("$sha", sha256), ("$dataset", dataset));

    public List<string> DatasetsWithKeys() => Strings("SELECT dataset FROM dataset_keys ORDER BY dataset");

    public List<string> BlobsWrappedBy(string dataset) =>
        Strings("SELECT sha256 FROM blob_dataset_keys WHERE dataset = $dataset ORDER BY sha256", ("$dataset", dataset));

    public HashSet<string> AttributedImports() => [.. Strings("SELECT import_id FROM attributed_imports")];

    public void MarkImportAttributed(string importId, long nowMs) =>
        Execute("INSERT OR REPLACE INTO attributed_imports (import_id, attributed_ms) VALUES ($id, $now)", ("$id", importId), ("$now", nowMs));

    /// <summary>Every blob hash with at least one wrap of its key.</summary>
    public List<string> KeyedBlobs() => Strings("SELECT sha256 FROM blob_keys UNION SELECT sha256 FROM blob_dataset_keys ORDER BY 1");

    /// <summary>Every key the master key wraps: blob keys not attributed to a dataset, then data keys.</summary>
    public (List<(string Sha256, byte[] Wrapped)> Blobs, List<(string Dataset, byte[] Wrapped)> Datasets) MasterWrappedKeys() =>
        (Pairs("SELECT sha256, wrapped_key FROM blob_keys ORDER BY sha256"), Pairs("SELECT dataset, wrapped_key FROM dataset_keys ORDER BY dataset"));

    public void UpdateMasterWrap(string sha256, string masterKeyId, byte[] wrapped) =>
        Execute("UPDATE blob_keys SET master_key_id = $id, wrapped_key = $key WHERE sha256 = $sha", ("$sha", sha256), ("$id", masterKeyId), ("$key", wrapped));

    public void UpdateDataKey(string dataset, string masterKeyId, byte[] wrapped) =>
        Execute("UPDATE dataset_keys SET master_key_id = $id, wrapped_key = $key WHERE dataset = $dataset", ("$dataset", dataset), ("$id", masterKeyId), ("$key", wrapped));

    public void Commit() => _transaction.Commit();

    public void Dispose()
    {
        _transaction.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private List<string> Strings(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private List<(string, byte[])> Pairs(string sql)
    {
        using var command = Command(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, byte[])>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), (byte[])reader[1]));
        }

        return rows;
    }
}
