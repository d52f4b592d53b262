using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Deletion;

/// <summary>
/// Removes what deleted rows leave behind in the database files: full-text segments that still hold deleted
/// tokens, freed pages, and the write-ahead log.
/// </summary>
/// <remarks>
/// Step by step: 1. every FTS5 table is optimized, which merges its segments and drops deleted entries (a delete
/// in FTS5 only adds a marker); 2. the WAL is checkpointed into the main file and truncated; 3. VACUUM rewrites the
/// database into fresh pages; 4. the WAL that VACUUM wrote is checkpointed and truncated again. The connections
/// also run with <c>secure_delete</c>, which overwrites freed content with zeros as it goes.
/// NOTE: VACUUM rewrites the whole database and needs as much free disk again, so a deletion takes time in
/// proportion to the size of the lake, not of what it deletes.
/// </remarks>
internal static class DatabaseScrubber
{
    public static void Scrub(SqliteConnection connection)
    {
        var fullTextTables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                fullTextTables.Add(reader.GetString(0));
            }
        }

        using var command = connection.CreateCommand();
        foreach (var table in fullTextTables)
        {
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            command.CommandText = $"INSERT INTO {quoted} ({quoted}) VALUES ('optimize')";
            command.ExecuteNonQuery();
        }

        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
        command.CommandText = "VACUUM";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
    }
}
