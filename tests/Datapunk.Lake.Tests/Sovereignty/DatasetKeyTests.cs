using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// The key hierarchy over real lakes: master key, one data key per dataset, and each blob key wrapped by the data
/// key of every dataset that claims the blob.
/// </summary>
public sealed class DatasetKeyTests
{
    private const string PhotosDataset = "google/photos/owner";

    [Fact]
    public async Task Import_WrapsBlobKeysUnderDatasetKey()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var keys = KeyStore(lake);
        var records = RecordsBlob(await lake.AllRecordsAsync());
        var archive = keys.Find(summary.SourceBlob!)!;
        var file = keys.Find(records)!;

        Assert.Equal([OwnerFixtures.OwnerDataset], keys.Datasets());
        Assert.False(file.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], file.Datasets.Select(d => d.Dataset));
        Assert.False(archive.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], archive.Datasets.Select(d => d.Dataset));
        Assert.Equal(records, await HashAsync(lake.Lake.Blobs, records));
    }

    [Fact]
    public async Task UnrecognisedFile_StaysMasterWrapped()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TakeoutFolder.Create(
            ("Takeout/Location History/Records.json", OwnerFixtures.SecretRecordsJson),
            ("Takeout/notes/readme.txt", "not an export format"));
        await lake.ImportAsync(folder);
        var unparsed = Sha256("not an export format");

        var wraps = KeyStore(lake).Find(unparsed)!;

        Assert.True(wraps.IsMasterWrapped);
        Assert.Empty(wraps.Datasets);
        Assert.Equal(unparsed, await HashAsync(lake.Lake.Blobs, unparsed));
    }

    [Fact]
    public async Task PhotoPostPass_WrapsMediaUnderPhotosDataset()
    {
        await using var lake = await TempLake.CreateAsync();
        var linked = ExifJpeg.Create(new DateTime(2023, 10, 6, 8, 38, 51), "+02:00", 48.8583736, 2.291901);
        await lake.ImportAsync(TakeoutFolder.Create(
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg", linked),
            ("Takeout/Google Photos/Photos from 2023/IMG_1.jpg.json", """
                {"title": "IMG_1.jpg", "photoTakenTime": {"timestamp": "1696574331", "formatted": "x"},
                 "geoData": {"latitude": 48.8583736, "longitude": 2.291901, "altitude": 0.0, "latitudeSpan": 0.0, "longitudeSpan": 0.0}}
                """)));
        var media = Convert.ToHexStringLower(SHA256.HashData(linked));

        var wraps = KeyStore(lake).Find(media)!;

        Assert.False(wraps.IsMasterWrapped);
        Assert.Equal([PhotosDataset], wraps.Datasets.Select(d => d.Dataset));
    }

    [Fact]
    public async Task RestoredExport_WrapsUnderDatasetKey()
    {
        await using var source = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(source.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var original = RecordsBlob(await source.AllRecordsAsync());
        var export = Path.Combine(TempLake.NewDirectory(), "lake-export.zip");
        await using (var file = File.Create(export))
        {
            await source.Lake.Control.Exporter.ExportAsync(file, new Datapunk.Lake.Sovereignty.Export.ExportFilter(), CancellationToken.None);
        }

        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(export);
        var originalWraps = KeyStore(lake).Find(original)!;
        var exportWraps = KeyStore(lake).Find(summary.SourceBlob!)!;

        Assert.Equal(2, summary.RecordsAdded);
        Assert.False(originalWraps.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], originalWraps.Datasets.Select(d => d.Dataset));
        Assert.False(exportWraps.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], exportWraps.Datasets.Select(d => d.Dataset));
    }

    [Fact]
    public async Task DeleteDataset_SharedBlobStaysReadable()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.SecretRecordsJson);
        var shared = RecordsBlob(await lake.AllRecordsAsync());
        var keys = KeyStore(lake);
        var before = keys.Find(shared)!.Datasets.Select(d => d.Dataset).ToList();

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        var after = keys.Find(shared)!;

        Assert.Equal([OwnerFixtures.KeeperDataset, OwnerFixtures.OwnerDataset], before);
        Assert.Equal([OwnerFixtures.KeeperDataset], after.Datasets.Select(d => d.Dataset));
        Assert.False(after.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.KeeperDataset], keys.Datasets());
        Assert.Equal(shared, await HashAsync(lake.Lake.Blobs, shared));
        Assert.Equal([OwnerFixtures.KeeperDataset], Rows(lake.Lake.Options.DatabasePath, $"SELECT dataset FROM blob_datasets WHERE blob_sha256 = '{shared}'"));
        Assert.Empty((await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None)).Problems);
    }

    [Fact]
    public async Task DeleteDataset_RewrapsForUnattributedSharer()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        // The keeper's records from the same file committed, but a crash came before their re-wrap.
        await ImportWithoutRewrapAsync(lake, OwnerFixtures.SecretRecordsJson, "keeper");
        var shared = RecordsBlob(await lake.AllRecordsAsync());
        var before = KeyStore(lake).Find(shared)!;

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        var after = KeyStore(lake).Find(shared)!;

        Assert.Equal([OwnerFixtures.OwnerDataset], before.Datasets.Select(d => d.Dataset));
        Assert.Equal([OwnerFixtures.KeeperDataset], after.Datasets.Select(d => d.Dataset));
        Assert.Equal(shared, await HashAsync(lake.Lake.Blobs, shared));
    }

    [Fact]
    public async Task DeleteTimeRange_KeptArchiveStaysReadable()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var archive = summary.SourceBlob!;
        var from = DateTimeOffset.Parse("2000-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        // Every record of the dataset goes, but a time-range deletion keeps the archive they came from.
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(From: from), scope: null, CancellationToken.None);
        var wraps = KeyStore(lake).Find(archive)!;

        Assert.Empty(KeyStore(lake).Datasets());
        Assert.True(wraps.IsMasterWrapped);
        Assert.Equal(archive, await HashAsync(lake.Lake.Blobs, archive));
        Assert.Empty((await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None)).Problems);
    }

    [Fact]
    public async Task DeleteDataset_BlobCopyCannotBeDecrypted()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        var blobs = (EncryptedBlobStore)lake.Lake.Blobs;
        var sha256 = RecordsBlob((await lake.AllRecordsAsync()).Where(r => r.Dataset == OwnerFixtures.OwnerDataset));
        var fileCopy = await File.ReadAllBytesAsync(blobs.PathFor(sha256));
        var keysCopy = Path.Combine(TempLake.NewDirectory(), "blob-keys-before.db");
        Backup(KeyStore(lake).DatabasePath, keysCopy);
        var wrappedDataKey = KeyStore(lake).Find(sha256)!.Datasets.Single().WrappedDataKey!;
        var wrappedBlobKey = KeyStore(lake).Find(sha256)!.Datasets.Single().WrappedBlobKey;

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        SqliteConnection.ClearAllPools();

        // The data key row is gone from the key database and from its files (scrubbed), not only unlinked.
        Assert.DoesNotContain(OwnerFixtures.OwnerDataset, KeyStore(lake).Datasets());
        Assert.Empty(FilesContaining(Path.Combine(lake.Directory, "keys"), wrappedDataKey));

        // The blob file restored from a copy has no key in the key database after the deletion.
        Directory.CreateDirectory(Path.GetDirectoryName(blobs.PathFor(sha256))!);
        await File.WriteAllBytesAsync(blobs.PathFor(sha256), fileCopy);
        Assert.Null(await blobs.OpenReadAsync(sha256, CancellationToken.None));

        // A surviving row with the blob key wrapped by the owner's data key does not help: that data key is gone.
        InsertWithoutForeignKeys(KeyStore(lake).DatabasePath, sha256, OwnerFixtures.OwnerDataset, wrappedBlobKey);
        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() => blobs.OpenReadAsync(sha256, CancellationToken.None));
        Assert.Contains($"the data key of dataset {OwnerFixtures.OwnerDataset} is gone", error.Message);

        // The same file and master key with the key database copied before the deletion still decrypt it, so the
        // failures above come from the destroyed data key and not from a damaged copy.
        var beforeDeletion = new EncryptedBlobStore(blobs.Root, blobs.MasterKey, new BlobKeyStore(keysCopy));
        Assert.Equal(sha256, await HashAsync(beforeDeletion, sha256));
    }

    [Fact]
    public async Task Rotate_KeepsDatasetWrapsAndReads()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        var unattributed = await lake.Lake.Blobs.PutAsync(new MemoryStream(Encoding.UTF8.GetBytes("stored, no records")), CancellationToken.None);
        var keys = KeyStore(lake);
        var blobs = (EncryptedBlobStore)lake.Lake.Blobs;
        var datasetWrapsBefore = Rows(keys.DatabasePath, "SELECT sha256 || ' ' || dataset || ' ' || hex(wrapped_key) FROM blob_dataset_keys ORDER BY 1");
        var dataKeysBefore = Rows(keys.DatabasePath, "SELECT dataset || ' ' || hex(wrapped_key) FROM dataset_keys ORDER BY 1");
        var filesBefore = keys.List().ToDictionary(s => s, s => File.ReadAllBytes(blobs.PathFor(s)));
        var newKey = new MasterKey(RandomNumberGenerator.GetBytes(32), "test");

        var count = await lake.Lake.Control.RotateMasterKeyAsync(newKey, null, null, CancellationToken.None);
        var withNewKey = new EncryptedBlobStore(blobs.Root, newKey, keys);

        Assert.Equal(3, count);
        Assert.Equal(datasetWrapsBefore, Rows(keys.DatabasePath, "SELECT sha256 || ' ' || dataset || ' ' || hex(wrapped_key) FROM blob_dataset_keys ORDER BY 1"));
        Assert.Empty(dataKeysBefore.Intersect(Rows(keys.DatabasePath, "SELECT dataset || ' ' || hex(wrapped_key) FROM dataset_keys ORDER BY 1")));
        Assert.Equal([newKey.Id], Rows(keys.DatabasePath, "SELECT DISTINCT master_key_id FROM dataset_keys UNION SELECT DISTINCT master_key_id FROM blob_keys"));
        Assert.Equal(5, filesBefore.Count);
        foreach (var (sha256, file) in filesBefore)
        {
            Assert.Equal(file, await File.ReadAllBytesAsync(blobs.PathFor(sha256)));
            Assert.Equal(sha256, await HashAsync(withNewKey, sha256));
        }

        Assert.Equal(unattributed.Sha256, await HashAsync(withNewKey, unattributed.Sha256));
    }

    [Fact]
    public async Task CrashBeforeRewrap_BlobStaysReadable()
    {
        await using var lake = await TempLake.CreateAsync();

        // An engine without the re-wrap step leaves what a crash between the commit and the re-wrap leaves.
        var summary = await ImportWithoutRewrapAsync(lake, OwnerFixtures.SecretRecordsJson);
        var sha256 = RecordsBlob(await lake.AllRecordsAsync());
        var afterCrash = KeyStore(lake).Find(sha256)!;
        var readAfterCrash = await HashAsync(lake.Lake.Blobs, sha256);

        SqliteConnection.ClearAllPools();
        var reopened = await Lake.OpenAsync(lake.Lake.Options, CancellationToken.None);
        var afterOpen = KeyStore(lake).Find(sha256)!;

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.True(afterCrash.IsMasterWrapped);
        Assert.Empty(afterCrash.Datasets);
        Assert.Equal(sha256, readAfterCrash);
        Assert.False(afterOpen.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], afterOpen.Datasets.Select(d => d.Dataset));
        Assert.Equal(sha256, await HashAsync(reopened.Blobs, sha256));
    }

    [Fact]
    public async Task CrashBeforeRewrap_NextImportRewraps()
    {
        await using var lake = await TempLake.CreateAsync();
        await ImportWithoutRewrapAsync(lake, OwnerFixtures.SecretRecordsJson);
        var sha256 = RecordsBlob(await lake.AllRecordsAsync());

        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        var wraps = KeyStore(lake).Find(sha256)!;

        Assert.False(wraps.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], wraps.Datasets.Select(d => d.Dataset));
    }

    [Fact]
    public async Task DamagedDataKey_LakeStillOpens()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var attributed = RecordsBlob(await lake.AllRecordsAsync());
        await ImportWithoutRewrapAsync(lake, """
            {"locations": [{"latitudeE7": 471000000, "longitudeE7": 87000000, "timestamp": "2025-03-01T09:00:00Z"}]}
            """);
        var pending = RecordsBlob((await lake.AllRecordsAsync()).Where(r => r.Provenance.BlobSha256 != attributed));
        Execute(KeyStore(lake).DatabasePath, "UPDATE dataset_keys SET wrapped_key = zeroblob(60)");
        SqliteConnection.ClearAllPools();

        var reopened = await Lake.OpenAsync(lake.Lake.Options, CancellationToken.None);
        var report = await reopened.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.True(KeyStore(lake).Find(pending)!.IsMasterWrapped);
        Assert.Equal(pending, await HashAsync(reopened.Blobs, pending));
        Assert.Contains($"The key of blob {attributed} cannot be unwrapped: the data key of dataset {OwnerFixtures.OwnerDataset} does not unwrap (it was changed or damaged). The blob cannot be read.", report.Problems);
    }

    [Fact]
    public async Task OldLayoutLake_OpensAndReads()
    {
        await using var lake = await TempLake.CreateAsync();
        await ImportWithoutRewrapAsync(lake, OwnerFixtures.SecretRecordsJson);
        var sha256 = RecordsBlob(await lake.AllRecordsAsync());
        var keysPath = KeyStore(lake).DatabasePath;

        // The layout before data keys: one master-wrapped key per blob, and lake.db without migrations 11 and 15.
        Execute(keysPath, """
            DROP TABLE blob_dataset_keys; DROP TABLE dataset_keys; DROP TABLE attributed_imports; PRAGMA user_version = 0;
            """);
        Execute(lake.Lake.Options.DatabasePath, """
            DROP TABLE blob_datasets; DROP INDEX import_files_by_blob;
            DROP TRIGGER records_links_update; DROP TRIGGER records_links_delete;
            DROP TABLE record_blob_links;
            DELETE FROM schema_migrations WHERE version IN (11, 15);
            """);
        SqliteConnection.ClearAllPools();

        var reopened = await Lake.OpenAsync(lake.Lake.Options, CancellationToken.None);
        var wraps = KeyStore(lake).Find(sha256)!;
        var report = await reopened.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Contains(11, ((Datapunk.Lake.Storage.Sqlite.SqliteRecordStore)reopened.Records).AppliedMigrations());
        Assert.Equal(["2"], Rows(keysPath, "PRAGMA user_version"));
        Assert.False(wraps.IsMasterWrapped);
        Assert.Equal([OwnerFixtures.OwnerDataset], wraps.Datasets.Select(d => d.Dataset));
        Assert.Equal(sha256, await HashAsync(reopened.Blobs, sha256));
        Assert.Equal(2, (await reopened.Records.QueryRecordsAsync(new Datapunk.Lake.Storage.RecordQuery { Limit = 10 }, CancellationToken.None)).Items.Count);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task Verify_NamesBlobWhoseKeyCannotBeUnwrapped()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var sha256 = RecordsBlob(await lake.AllRecordsAsync());

        // Without foreign keys the blob's wraps stay behind, pointing at a data key that no longer exists.
        Execute(KeyStore(lake).DatabasePath, $"DELETE FROM dataset_keys WHERE dataset = '{OwnerFixtures.OwnerDataset}'");
        SqliteConnection.ClearAllPools();

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"The key of blob {sha256} cannot be unwrapped: the data key of dataset {OwnerFixtures.OwnerDataset} is gone.", output);
    }

    private static async Task<ImportSummary> ImportWithoutRewrapAsync(TempLake lake, string recordsJson, string account = "owner")
    {
        var folder = TempLake.NewDirectory();
        var zip = Path.Combine(folder, $"takeout-{account}.zip");
        await File.WriteAllBytesAsync(zip, Fixtures.Zip(("Takeout/Location History/Records.json", recordsJson)));
        var engine = new ImportEngine(lake.Lake.Records, lake.Lake.Blobs, lake.Lake.Formats, new ImportLimits());
        var job = ImportJob.Create(zip, account);
        await lake.Lake.Records.CreateImportAsync(job.Summary, CancellationToken.None);
        return await engine.RunAsync(job, [new ImportSource(Path.GetFileName(zip), LocalPath: zip)], observer: null, CancellationToken.None);
    }

    private static BlobKeyStore KeyStore(TempLake lake) => new(Path.Combine(lake.Directory, "keys", "blob-keys.db"));

    private static string RecordsBlob(IEnumerable<Datapunk.Lake.Records.LakeRecord> records) =>
        records.Select(r => r.Provenance.BlobSha256).Distinct().Single();

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<string?> HashAsync(Datapunk.Lake.Blobs.IBlobStore store, string sha256)
    {
        await using var content = await store.OpenReadAsync(sha256, CancellationToken.None);
        return content is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(content));
    }

    private static List<string> FilesContaining(string directory, byte[] pattern) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(pattern) >= 0)];

    private static void Backup(string source, string target)
    {
        using var from = new SqliteConnection($"Data Source={source};Pooling=False");
        using var to = new SqliteConnection($"Data Source={target};Pooling=False");
        from.Open();
        to.Open();
        from.BackupDatabase(to);
    }

    private static void InsertWithoutForeignKeys(string database, string sha256, string dataset, byte[] wrapped)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False;Foreign Keys=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO blob_dataset_keys (sha256, dataset, wrapped_key) VALUES ($sha, $dataset, $key)";
        command.Parameters.AddWithValue("$sha", sha256);
        command.Parameters.AddWithValue("$dataset", dataset);
        command.Parameters.AddWithValue("$key", wrapped);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL with foreign keys off, so that a test can leave rows behind as a damaged key database would.</summary>
    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False;Foreign Keys=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }
}
