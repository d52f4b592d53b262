using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>Named values of the lake itself (the master key id, the passphrase salt), in the lake database.</summary>
internal sealed class LakeSettings(SqliteRecordStore store)
{
    public string? Get(string name)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM lake_settings WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    public void Set(string name, string value)
    {
        using var connection = store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO lake_settings (name, value) VALUES ($name, $value)";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }
}
