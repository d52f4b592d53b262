using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// Importing an export again after a deletion: the tombstones keep the records out, so the originals and the
/// attachments that the parse stored must not stay behind either. Deleting an import removes what it stored.
/// </summary>
public sealed partial class ReimportAfterDeletionTests
{
    private const string MailDataset = "google/mail/owner";
    private const string MboxPath = "Takeout/Mail/All mail Including Spam and Trash.mbox";
    private const string AttachmentText = "HERON-ATTACHMENT-7730 board minutes";

    // One message whose attachment decodes to AttachmentText.
    private static readonly string OneMailWithAttachment =
        Fixtures.MailWithAttachment("1591985461185485800", "minutes@example.com", new DateTimeOffset(2021, 3, 2, 10, 0, 0, TimeSpan.FromHours(1)),
            "Ana <ana@example.com>", "owner@example.com", "Minutes", "The minutes are attached.", "minutes.bin", AttachmentText);

    private const string KeepNote = """
        {"color": "DEFAULT", "isTrashed": false, "isPinned": false, "isArchived": false,
         "textContent": "Water the plants", "title": "Plants",
         "userEditedTimestampUsec": 1690866308447000, "createdTimestampUsec": 1690372692755123}
        """;

    private static readonly string AttachmentSha256 = Sha256(Encoding.UTF8.GetBytes(AttachmentText));

    private static readonly string MboxSha256 = Sha256(Encoding.UTF8.GetBytes(OneMailWithAttachment));

    [Fact]
    public async Task ReimportAfterDelete_AddsNoRecord()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);

        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(1, summary.SkippedDeleted);
        Assert.Equal(0, summary.Duplicates);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task ReimportAfterDelete_KeepsNoMboxBlob()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        SqliteConnection.ClearAllPools();

        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(MboxSha256)));
        Assert.Null(KeyStore(lake).Find(MboxSha256));
        Assert.False(await lake.Lake.Records.IsBlobRegisteredAsync(MboxSha256, CancellationToken.None));
        Assert.Null(summary.SourceBlob);
    }

    [Fact]
    public async Task ReimportAfterDelete_StoresSkippedCount()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        var stored = await lake.Lake.Records.GetImportAsync(summary.Id, CancellationToken.None);

        Assert.Equal(1, stored!.SkippedDeleted);
    }

    [Fact]
    public async Task DeletedArchive_IsNotKept()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);
        var zipBytes = Fixtures.Zip((MboxPath, OneMailWithAttachment), ("Takeout/archive_browser.html", "<html><body>Your Takeout</body></html>"));
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(zip, zipBytes);

        var summary = await lake.ImportAsync(zip);
        SqliteConnection.ClearAllPools();

        Assert.Equal(1, summary.SkippedDeleted);
        Assert.Equal(1, summary.FilesStored);
        Assert.Equal(1, summary.FilesKept);
        Assert.Null(summary.SourceBlob);
        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(Sha256(zipBytes))));
        Assert.Equal([], FilesContaining(lake.Directory, Encoding.UTF8.GetBytes(AttachmentText)));
    }

    [Fact]
    public async Task Cli_DeletedArchiveSaysNotKept()
    {
        var directory = TempLake.NewDirectory();
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(zip, Fixtures.Zip((MboxPath, OneMailWithAttachment)));
        Assert.Equal(0, (await LakeProcess.RunAsync("ingest", zip, "--data-dir", directory, "--quiet")).ExitCode);
        Assert.Equal(0, (await LakeProcess.RunAsync("delete", "--dataset", MailDataset, "--data-dir", directory)).ExitCode);

        var reimport = await LakeProcess.RunAsync("ingest", zip, "--data-dir", directory);

        Assert.Contains("takeout.zip  (archive.zip. The archive was not kept, because every record in it was deleted before", reimport.Error, StringComparison.Ordinal);
        Assert.Contains("files stored (new blobs):  0", reimport.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartlyDeletedArchive_IsKept()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);
        var zipBytes = Fixtures.Zip((MboxPath, OneMailWithAttachment), ("Takeout/Keep/note.json", KeepNote));
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        await File.WriteAllBytesAsync(zip, zipBytes);

        var summary = await lake.ImportAsync(zip);

        Assert.Equal(1, summary.SkippedDeleted);
        Assert.Equal(1, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(Sha256(zipBytes), CancellationToken.None));
    }

    [Fact]
    public async Task UploadAfterDelete_KeepsNoMboxBlob()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(1, (await app.TempLake.ImportTextAsync(MboxPath, OneMailWithAttachment)).RecordsAdded);
        await app.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset), scope: null, CancellationToken.None);

        var import = await app.ImportAndWaitAsync(Encoding.UTF8.GetBytes(OneMailWithAttachment), "mail.mbox");
        SqliteConnection.ClearAllPools();

        Assert.Equal(0, import.GetProperty("counts").GetProperty("filesStored").GetInt32());
        Assert.False(File.Exists(((EncryptedBlobStore)app.Lake.Blobs).PathFor(MboxSha256)));
    }

    [Fact]
    public async Task ReimportAfterDelete_CountsNoStoredFile()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);

        Assert.Equal(0, summary.FilesStored);
    }

    [Fact]
    public async Task ReimportAfterDelete_KeepsNoAttachment()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        SqliteConnection.ClearAllPools();

        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(AttachmentSha256)));
        Assert.Null(KeyStore(lake).Find(AttachmentSha256));
        Assert.False(await lake.Lake.Records.IsBlobRegisteredAsync(AttachmentSha256, CancellationToken.None));
        Assert.Equal([], FilesContaining(lake.Directory, Encoding.UTF8.GetBytes(AttachmentText)));
    }

    [Fact]
    public async Task ReimportAfterDelete_ReportsSkippedRecords()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: false);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);

        var mbox = Assert.Single(files);
        Assert.StartsWith("1 records skipped because they were deleted before.", mbox.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowReimport_RestoresRecordAndBlobs()
    {
        await using var lake = await DeletedMailLakeAsync(allowReimport: true);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);

        Assert.Equal(1, summary.RecordsAdded);
        Assert.Equal(0, summary.SkippedDeleted);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(MboxSha256, CancellationToken.None));
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task OtherMailDeleted_ReimportKeepsMbox()
    {
        // The tombstone belongs to another mail, so this mbox gives a record and stays.
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Mail/Other.mbox", OneMailWithAttachment.Replace("minutes@example.com", "other@example.com", StringComparison.Ordinal));
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset), scope: null, CancellationToken.None);

        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);

        Assert.Equal(1, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(MboxSha256, CancellationToken.None));
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task DeleteImportWithoutRecords_RemovesItsFile()
    {
        await using var lake = await TempLake.CreateAsync();
        const string notes = "KESTREL-NOTES-4410 kept, not parsed";
        var summary = await lake.ImportTextAsync("Takeout/notes.txt", notes);
        var sha256 = Sha256(Encoding.UTF8.GetBytes(notes));
        Assert.True(await lake.Lake.Blobs.ExistsAsync(sha256, CancellationToken.None));

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(ImportId: summary.Id), scope: null, CancellationToken.None);
        SqliteConnection.ClearAllPools();

        Assert.Equal(0, result.Records);
        Assert.Equal(1, result.Blobs);
        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(sha256)));
        Assert.Null(KeyStore(lake).Find(sha256));
        Assert.False(await lake.Lake.Records.IsBlobRegisteredAsync(sha256, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteImport_KeepsFileOfOtherImport()
    {
        await using var lake = await TempLake.CreateAsync();
        const string notes = "KESTREL-NOTES-4411 listed by two imports";
        var first = await lake.ImportTextAsync("Takeout/notes.txt", notes);
        await lake.ImportTextAsync("Takeout/notes.txt", notes);
        var sha256 = Sha256(Encoding.UTF8.GetBytes(notes));

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(ImportId: first.Id), scope: null, CancellationToken.None);

        Assert.Equal(0, result.Blobs);
        Assert.Equal(notes, await ReadTextAsync(lake, sha256));
    }

    [Fact]
    public async Task DeleteImport_KeepsMboxOfLiveRecords()
    {
        // The second import adds nothing (its records are duplicates) but lists the same mbox as the first.
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        var second = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(ImportId: second.Id), scope: null, CancellationToken.None);

        Assert.Equal(0, result.Blobs);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(MboxSha256, CancellationToken.None));
        Assert.Equal(AttachmentText, await ReadTextAsync(lake, AttachmentSha256));
    }

    [Fact]
    public async Task RestoreExportAfterDelete_KeepsNoBlob()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        using var export = new MemoryStream();
        await lake.Lake.Control.Exporter.ExportAsync(export, new ExportFilter { Datasets = [MailDataset] }, CancellationToken.None);
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset), scope: null, CancellationToken.None);
        var zip = Path.Combine(TempLake.NewDirectory(), "export.zip");
        await File.WriteAllBytesAsync(zip, export.ToArray());

        var summary = await lake.ImportAsync(zip);
        SqliteConnection.ClearAllPools();

        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(1, summary.SkippedDeleted);
        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(Sha256(export.ToArray()))));
        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(MboxSha256)));
        Assert.False(File.Exists(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(AttachmentSha256)));
        Assert.Equal([], FilesContaining(lake.Directory, Encoding.UTF8.GetBytes(AttachmentText)));
    }

    [Fact]
    public async Task Cli_DeleteReimportAndDeleteImport()
    {
        var directory = TempLake.NewDirectory();
        var mbox = Path.Combine(TempLake.NewDirectory(), "mail.mbox");
        await File.WriteAllTextAsync(mbox, OneMailWithAttachment);
        Assert.Equal(0, (await LakeProcess.RunAsync("ingest", mbox, "--data-dir", directory, "--quiet")).ExitCode);
        Assert.Equal(0, (await LakeProcess.RunAsync("delete", "--dataset", MailDataset, "--data-dir", directory)).ExitCode);

        var reimport = await LakeProcess.RunAsync("ingest", mbox, "--data-dir", directory);
        var importId = ImportIdPattern().Match(reimport.Output).Groups[1].Value;
        var deleted = await LakeProcess.RunAsync("delete", "--import", importId, "--data-dir", directory);

        Assert.Equal(0, reimport.ExitCode);
        Assert.Contains("1 records skipped because they were deleted before", reimport.Output, StringComparison.Ordinal);
        Assert.Equal([], BlobFilesNamed(directory, MboxSha256, AttachmentSha256));
        Assert.Equal([], FilesContaining(directory, Encoding.UTF8.GetBytes(AttachmentText)));
        Assert.Equal(0, deleted.ExitCode);
        Assert.Contains("Deleted 0 records and 0 originals from 0 datasets.", deleted.Output, StringComparison.Ordinal);
    }

    private static async Task<TempLake> DeletedMailLakeAsync(bool allowReimport)
    {
        var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(MboxPath, OneMailWithAttachment);
        Assert.Equal(1, summary.RecordsAdded);
        Assert.True(await lake.Lake.Blobs.ExistsAsync(AttachmentSha256, CancellationToken.None));
        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: MailDataset, AllowReimport: allowReimport), scope: null, CancellationToken.None);
        Assert.Equal(1, result.Records);
        Assert.False(await lake.Lake.Blobs.ExistsAsync(AttachmentSha256, CancellationToken.None));
        return lake;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

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

    private static List<string> BlobFilesNamed(string directory, params string[] sha256s) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => sha256s.Contains(Path.GetFileName(file), StringComparer.Ordinal))
            .Select(file => Path.GetRelativePath(directory, file))
            .ToList();

    private static List<string> FilesContaining(string directory, byte[] pattern) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => File.ReadAllBytes(file).AsSpan().IndexOf(pattern) >= 0)
            .Select(file => Path.GetRelativePath(directory, file))
            .ToList();

    [GeneratedRegex(@"Import (\S+) ")]
    private static partial Regex ImportIdPattern();
}
