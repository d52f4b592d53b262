using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Storage;

/// <summary>Migration 13 on a lake created with the schema up to migration 10 (R*Tree and insert trigger).</summary>
public sealed class PlaceCellMigrationTests
{
    [Fact]
    public async Task Upgrade_ComputesCellsOfExistingRecords()
    {
        var path = await CreateLakeAtVersion10Async();

        await new SqliteRecordStore(path).MigrateAsync(CancellationToken.None);

        Assert.Equal(PlaceCell.For(48.8584, 2.2945), Scalar(path, "SELECT cell FROM records WHERE id = 'eiffel'"));
        Assert.Equal(PlaceCell.For(-33.8568, 151.2153), Scalar(path, "SELECT cell FROM records WHERE id = 'opera'"));
        Assert.Null(Scalar(path, "SELECT cell FROM records WHERE id = 'note'"));
    }

    [Fact]
    public async Task Upgrade_DropsTheRTreeAndInsertTrigger()
    {
        var path = await CreateLakeAtVersion10Async();

        await new SqliteRecordStore(path).MigrateAsync(CancellationToken.None);

        Assert.Equal(0L, Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'records_place%'"));
        Assert.Equal(0L, Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'records_text_insert'"));
        Assert.Equal(1L, Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'records_by_cell'"));
    }

    [Fact]
    public async Task Upgrade_IndexesPointsByAreaAndTime()
    {
        var path = await CreateLakeAtVersion10Async();

        await new SqliteRecordStore(path).MigrateAsync(CancellationToken.None);

        Assert.Equal(2L, Scalar(path, "SELECT count(*) FROM records INDEXED BY records_by_area WHERE cell IS NOT NULL AND cell >> 34 > 0"));
    }

    [Fact]
    public async Task Schema_HasNoInsertTriggerOnRecords()
    {
        // Any insert trigger on records costs every insert a statement journal (BENCHMARKS.md), so the record
        // writer does what such a trigger would do.
        var path = await CreateLakeAtVersion10Async();

        await new SqliteRecordStore(path).MigrateAsync(CancellationToken.None);

        Assert.Equal(0L, Scalar(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'records' AND sql LIKE '%AFTER INSERT%'"));
    }

    [Fact]
    public async Task Upgrade_KeepsBoxQueriesAnswering()
    {
        var path = await CreateLakeAtVersion10Async();
        var store = new SqliteRecordStore(path);

        await store.MigrateAsync(CancellationToken.None);
        var page = await store.QueryRecordsAsync(new RecordQuery { Box = new BoundingBox(2.25, 48.81, 2.42, 48.90) }, CancellationToken.None);

        Assert.Equal("Eiffel Tower", Assert.Single(page.Items).Title);
    }

    [Fact]
    public async Task Upgrade_KeepsOldTextSearchable()
    {
        var path = await CreateLakeAtVersion10Async();

        await new SqliteRecordStore(path).MigrateAsync(CancellationToken.None);

        Assert.Equal("note", Scalar(path, "SELECT r.id FROM records_fts JOIN records r ON r.seq = records_fts.rowid WHERE records_fts MATCH 'lentil'"));
        Assert.Equal("note", Scalar(path, "SELECT id FROM lake_records WHERE text LIKE '%lentil%'"));
    }

    [Fact]
    public async Task Upgrade_IndexesTextWrittenAfterIt()
    {
        var path = await CreateLakeAtVersion10Async();
        var store = new SqliteRecordStore(path);
        await store.MigrateAsync(CancellationToken.None);
        await store.CreateImportAsync(new ImportSummary { Id = "imp_2", Source = "test", Account = "owner", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);

        using (var writer = store.BeginFile("imp_2", "b.json", new FileParseKey(new string('c', 64), "test.format", 1, "owner")))
        {
            writer.Add(new RecordDraft { Dataset = "test/notes/owner", Kind = RecordKinds.Note, MergeKey = "soup", Start = DateTimeOffset.UnixEpoch, Text = "barley soup", Pointer = "/0" });
            writer.Add(new RecordDraft { Dataset = "test/notes/owner", Kind = RecordKinds.Note, MergeKey = "link", Start = DateTimeOffset.UnixEpoch, Attributes = new() { ["url"] = "https://example.org/barley" }, Pointer = "/1" });
            writer.Add(new RecordDraft { Dataset = "test/notes/owner", Kind = RecordKinds.Location, MergeKey = "fix", Start = DateTimeOffset.UnixEpoch, Latitude = 1, Longitude = 2, Pointer = "/2" });
            writer.Commit();
        }

        Assert.Equal(2L, Scalar(path, "SELECT count(*) FROM records_fts WHERE records_fts MATCH 'barley'"));
        Assert.Equal(2L, Scalar(path, "SELECT count(*) FROM records_trigram WHERE records_trigram MATCH 'barley'"));
        Assert.Equal("barley soup", Scalar(path, "SELECT group_concat(r.body) FROM embedding_queue q JOIN records r ON r.seq = q.seq WHERE r.import_id = 'imp_2'"));
    }

    /// <summary>
    /// Applies migrations 1 to 10 as a lake of that version had them, and writes three records through the SQL of
    /// that version: two places (with R*Tree rows) and a note (indexed by the insert trigger).
    /// </summary>
    private static async Task<string> CreateLakeAtVersion10Async()
    {
        var path = Path.Combine(TempLake.NewDirectory(), "lake.db");
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        Execute(connection, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)");
        foreach (var migration in SqliteMigrations.All.Where(m => m.Version <= 10))
        {
            Execute(connection, migration.Sql);
            Execute(connection, $"INSERT INTO schema_migrations VALUES ({migration.Version}, '{migration.Name}', 0)");
        }

        Execute(connection, """
            INSERT INTO imports (id, source, account, state, created_ms) VALUES ('imp_1', 'test', 'owner', 'Succeeded', 0);
            INSERT INTO records (seq, id, dataset, kind, start_ms, lat, lon, title, blob_sha256, path, import_id)
                VALUES (1, 'eiffel', 'test/places/owner', 'visit', 1000, 48.8584, 2.2945, 'Eiffel Tower', 'aa', 'a.json', 'imp_1');
            INSERT INTO records_place VALUES (1, 48.8584, 48.8584, 2.2945, 2.2945);
            INSERT INTO records (seq, id, dataset, kind, start_ms, lat, lon, title, blob_sha256, path, import_id)
                VALUES (2, 'opera', 'test/places/owner', 'visit', 2000, -33.8568, 151.2153, 'Sydney Opera House', 'aa', 'a.json', 'imp_1');
            INSERT INTO records_place VALUES (2, -33.8568, -33.8568, 151.2153, 151.2153);
            INSERT INTO records (seq, id, dataset, kind, start_ms, body, blob_sha256, path, import_id)
                VALUES (3, 'note', 'test/notes/owner', 'note', 3000, 'red lentil soup', 'aa', 'a.json', 'imp_1');
            """);
        return path;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
