using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// Mail attachments are blobs that the mbox importer takes out of the file. They follow the records that list them:
/// deletion, the dataset's data key, export and restore, verification and blob access by a constrained token.
/// </summary>
public sealed class AttachmentBlobTests
{
    private const string MailDataset = "google/mail/owner";
    private const string MboxPath = "Takeout/Mail/All mail Including Spam and Trash.mbox";
    private const string AttachmentText = "OSPREY-ATTACHMENT-5521 quarterly figures";

    // Two messages with the same attachment, whose decoded bytes are AttachmentText, and no other text in common with it.
    private static readonly string TwoMailsSharingAttachment =
        Fixtures.MailWithAttachment("1591985461185485700", "first@example.com", new DateTimeOffset(2021, 3, 2, 10, 0, 0, TimeSpan.FromHours(1)),
            "Ana <ana@example.com>", "owner@example.com", "Figures", "The figures are attached.", "figures.bin", AttachmentText)
        + Fixtures.MailWithAttachment("1591985461185485701", "second@example.com", new DateTimeOffset(2021, 3, 3, 10, 0, 0, TimeSpan.FromHours(1)),
            "owner@example.com", "Bo <bo@example.com>", "Fwd: Figures", "Forwarding these.", "figures.bin", AttachmentText, boundary: "b2");

    private static readonly string AttachmentSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AttachmentText)));

    [Fact]
    public async Task Import_WrapsAttachmentUnderMailDataset()
    {
        await using var lake = await MailLakeAsync();

        var wraps = KeyStore(lake).Find(AttachmentSha256)!;

        Assert.False(wraps.IsMasterWrapped);
        Assert.Equal([MailDataset], wraps.Datasets.Select(d => d.Dataset));
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task Open_RewrapsMasterWrappedAttachment()
    {
        await using var lake = await TempLake.CreateAsync();

        // An engine without the re-wrap step leaves every blob under the master key. Marking the import as
        // attributed then gives what an attribution that did not count attachments left behind.
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(zip, Fixtures.Zip((MboxPath, TwoMailsSharingAttachment)));
        var engine = new ImportEngine(lake.Lake.Records, lake.Lake.Blobs, lake.Lake.Formats, new ImportLimits());
        var job = ImportJob.Create(zip, "owner");
        await lake.Lake.Records.CreateImportAsync(job.Summary, CancellationToken.None);
        var summary = await engine.RunAsync(job, [new ImportSource(Path.GetFileName(zip), LocalPath: zip)], observer: null, CancellationToken.None);
        using (var keys = KeyStore(lake).Begin(write: true))
        {
            keys.MarkImportAttributed(summary.Id, 0);
            keys.Commit();
        }

        var beforeOpen = KeyStore(lake).Find(AttachmentSha256)!;
        SqliteConnection.ClearAllPools();
        await Lake.OpenAsync(lake.Lake.Options, CancellationToken.None);
        var afterOpen = KeyStore(lake).Find(AttachmentSha256)!;

        Assert.Equal(0, summary.Errors);
        Assert.True(beforeOpen.IsMasterWrapped);
        Assert.False(afterOpen.IsMasterWrapped);
        Assert.Equal([MailDataset], afterOpen.Datasets.Select(d => d.Dataset));
        Assert.True(KeyStore(lake).Find(summary.SourceBlob!)!.IsMasterWrapped);
    }

    [Fact]
    public async Task Migration_LinksAttachmentsOfEarlierRecords()
    {
        await using var lake = await MailLakeAsync();

        // Takes the lake database back to the schema before links: no link table, no link triggers.
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={lake.Lake.Options.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TRIGGER records_links_update;
                DROP TRIGGER records_links_delete;
                DROP TABLE record_blob_links;
                DELETE FROM schema_migrations WHERE version = 15;
                """;
            command.ExecuteNonQuery();
        }

        var reopened = await Lake.OpenAsync(lake.Lake.Options, CancellationToken.None);
        await reopened.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset), scope: null, CancellationToken.None);

        Assert.Contains(15, ((Datapunk.Lake.Storage.Sqlite.SqliteRecordStore)reopened.Records).AppliedMigrations());
        Assert.False(await reopened.Blobs.ExistsAsync(AttachmentSha256, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteMailDataset_LeavesNoAttachmentOnDisk()
    {
        await using var lake = await MailLakeAsync();
        var blobs = (EncryptedBlobStore)lake.Lake.Blobs;
        var blobFile = blobs.PathFor(AttachmentSha256);
        var wraps = KeyStore(lake).Find(AttachmentSha256)!;
        Assert.True(File.Exists(blobFile));
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset), scope: null, CancellationToken.None);
        SqliteConnection.ClearAllPools();

        Assert.Equal(2, result.Records);
        Assert.False(File.Exists(blobFile));
        Assert.Null(KeyStore(lake).Find(AttachmentSha256));
        var patterns = new Dictionary<string, byte[]>
        {
            ["attachment text UTF-8"] = Encoding.UTF8.GetBytes(AttachmentText),
            ["attachment text UTF-16"] = Encoding.Unicode.GetBytes(AttachmentText),
        };
        if (wraps.MasterWrapped is { } masterWrapped)
        {
            patterns["attachment key wrapped by the master key"] = masterWrapped;
        }

        foreach (var wrap in wraps.Datasets)
        {
            patterns[$"attachment key wrapped by the data key of {wrap.Dataset}"] = wrap.WrappedBlobKey;
            if (wrap.WrappedDataKey is { } dataKey)
            {
                patterns[$"data key of {wrap.Dataset}"] = dataKey;
            }
        }

        Assert.Equal([], FilesContaining(lake.Directory, patterns));
    }

    [Fact]
    public async Task DeleteOneOfTwoMails_KeepsSharedAttachment()
    {
        await using var lake = await MailLakeAsync();
        var first = (await lake.AllRecordsAsync()).Single(r => r.Title == "Figures");

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(RecordIds: [first.Id]), scope: null, CancellationToken.None);

        Assert.Equal(1, result.Records);
        Assert.Equal(0, result.Blobs);
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task DeleteBothMails_RemovesSharedAttachment()
    {
        await using var lake = await MailLakeAsync();
        var ids = (await lake.AllRecordsAsync()).Select(r => r.Id).ToList();

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(RecordIds: [ids[0]]), scope: null, CancellationToken.None);
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(RecordIds: [ids[1]]), scope: null, CancellationToken.None);

        Assert.False(await lake.Lake.Blobs.ExistsAsync(AttachmentSha256, CancellationToken.None));
        Assert.False(await lake.Lake.Records.IsBlobRegisteredAsync(AttachmentSha256, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteMailImport_RemovesAttachment()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(ImportId: summary.Id), scope: null, CancellationToken.None);

        Assert.False(await lake.Lake.Blobs.ExistsAsync(AttachmentSha256, CancellationToken.None));
    }

    [Fact]
    public async Task DatasetExport_RestoresAttachmentHash()
    {
        await using var source = await MailLakeAsync();
        await OwnerFixtures.ImportAsync(source.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        using var export = new MemoryStream();
        await source.Lake.Control.Exporter.ExportAsync(export, new ExportFilter { Datasets = [MailDataset] }, CancellationToken.None);
        await using var target = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "export.zip");
        await File.WriteAllBytesAsync(zip, export.ToArray());

        var summary = await target.ImportAsync(zip);

        var records = await target.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(AttachmentSha256, (string?)r.Attributes!["attachments"]![0]!["sha256"]));
        Assert.Equal(AttachmentText, await ReadTextAsync(target, AttachmentSha256));
        Assert.Equal([MailDataset], KeyStore(target).Find(AttachmentSha256)!.Datasets.Select(d => d.Dataset));
        Assert.Empty((await target.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None)).Problems);
    }

    [Fact]
    public async Task Verify_ReportsMissingAttachment()
    {
        await using var lake = await MailLakeAsync();
        var first = (await lake.AllRecordsAsync()).Min(r => r.Id);
        File.Delete(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(AttachmentSha256));

        var report = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Contains($"Record {first} (2 records in all) links blob {AttachmentSha256} (an attachment or media file), but the blob is not stored. It was taken out of {MboxPath}: run lake verify --repair, then import that file again to store the blob anew, or restore it from a backup.", report.Problems);
    }

    [Fact]
    public async Task Verify_AdvisesRepairForDamagedAttachment()
    {
        await using var lake = await MailLakeAsync();
        await DamageAsync(lake, AttachmentSha256);

        var report = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Contains($"Blob {AttachmentSha256} does not decrypt: its file was changed or damaged. It was taken out of {MboxPath}: run lake verify --repair, then import that file again to store the blob anew, or restore it from a backup.", report.Problems);
    }

    [Fact]
    public async Task RepairAndReimport_RestoresDamagedAttachment()
    {
        await using var lake = await MailLakeAsync();
        await DamageAsync(lake, AttachmentSha256);

        var repair = await lake.Lake.Control.Verifier.VerifyAsync(repair: true, CancellationToken.None);
        var summary = await lake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);
        var after = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Contains($"Marked {MboxPath} to be parsed again: import it again to store blob {AttachmentSha256} anew.", repair.Repairs);
        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(2, summary.Duplicates);
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
        Assert.Empty(after.Problems);
    }

    [Fact]
    public async Task RepairAndReimport_RestoresMissingAttachment()
    {
        await using var lake = await MailLakeAsync();
        File.Delete(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(AttachmentSha256));

        await lake.Lake.Control.Verifier.VerifyAsync(repair: true, CancellationToken.None);
        await lake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);

        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task Reimport_WithoutRepairLeavesAttachmentDamaged()
    {
        await using var lake = await MailLakeAsync();
        await DamageAsync(lake, AttachmentSha256);

        await lake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);
        var report = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);

        Assert.Contains(report.Problems, p => p.StartsWith($"Blob {AttachmentSha256} does not decrypt", StringComparison.Ordinal));
    }

    private static async Task DamageAsync(TempLake lake, string sha256)
    {
        var path = ((EncryptedBlobStore)lake.Lake.Blobs).PathFor(sha256);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);
    }

    [Fact]
    public async Task DatasetToken_ReadsVisibleAttachment()
    {
        await using var app = await TestApp.StartAsync();
        await app.TempLake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);
        await OwnerFixtures.ImportAsync(app.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        using var mail = await app.ClientWithScopeAsync(new TokenRequest("mail", [TokenScopes.Read], Datasets: [MailDataset]));
        using var other = await app.ClientWithScopeAsync(new TokenRequest("other", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var visible = await mail.GetAsync($"/v1/blobs/{AttachmentSha256}");
        var hidden = await other.GetAsync($"/v1/blobs/{AttachmentSha256}");

        Assert.Equal(HttpStatusCode.OK, visible.StatusCode);
        Assert.Equal(AttachmentText, await visible.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task DatasetConstrainedSql_ListsAttachmentBlob()
    {
        await using var app = await TestApp.StartAsync();
        await app.TempLake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);
        await OwnerFixtures.ImportAsync(app.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        using var mail = await app.ClientWithScopeAsync(new TokenRequest("mail", [TokenScopes.Read], Datasets: [MailDataset]));
        using var other = await app.ClientWithScopeAsync(new TokenRequest("other", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));
        var sql = new { sql = $"SELECT count(*) FROM lake_blobs WHERE sha256 = '{AttachmentSha256}'" };

        var visible = await (await mail.PostAsJsonAsync("/v1/sql", sql)).Content.ReadFromJsonAsync<JsonElement>();
        var hidden = await (await other.PostAsJsonAsync("/v1/sql", sql)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, visible.GetProperty("rows")[0][0].GetInt64());
        Assert.Equal(0, hidden.GetProperty("rows")[0][0].GetInt64());
    }

    private static async Task<TempLake> MailLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(MboxPath, TwoMailsSharingAttachment);
        Assert.Equal(0, summary.Errors);
        return lake;
    }

    private static BlobKeyStore KeyStore(TempLake lake) => new(Path.Combine(lake.Directory, "keys", "blob-keys.db"));

    private static async Task<string?> ReadTextAsync(TempLake lake, string sha256)
    {
        await using var content = await lake.Lake.Blobs.OpenReadAsync(sha256, CancellationToken.None);
        if (content is null)
        {
            return null;
        }

        using var reader = new StreamReader(content, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static List<string> FilesContaining(string directory, Dictionary<string, byte[]> patterns)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var (name, pattern) in patterns)
            {
                if (bytes.AsSpan().IndexOf(pattern) >= 0)
                {
                    found.Add($"{name} in {Path.GetRelativePath(directory, file)}");
                }
            }
        }

        return found;
    }
}
