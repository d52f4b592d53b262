using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary><c>lake verify [--repair]</c> run as a separate process against a lake that was damaged on purpose.</summary>
public sealed class VerifyCommandTests
{
    [Fact]
    public async Task Verify_IntactLakeExitsZero()
    {
        await using var lake = await ImportedLakeAsync();

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(0, exitCode);
        Assert.Contains("OK", output);
    }

    [Fact]
    public async Task Verify_FlippedBlobByteNamesBlob()
    {
        await using var lake = await ImportedLakeAsync();
        var sha256 = (await lake.AllRecordsAsync())[0].Provenance.BlobSha256;
        var path = ((EncryptedBlobStore)lake.Lake.Blobs).PathFor(sha256);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Blob {sha256} does not decrypt", output);
    }

    [Fact]
    public async Task Verify_RecordWithMissingBlobNamesRecord()
    {
        await using var lake = await ImportedLakeAsync();
        var record = (await lake.AllRecordsAsync()).OrderBy(r => r.Id, StringComparer.Ordinal).First();
        File.Delete(((EncryptedBlobStore)lake.Lake.Blobs).PathFor(record.Provenance.BlobSha256));

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Record {record.Id} (2 records in all) names blob {record.Provenance.BlobSha256}", output);
    }

    [Fact]
    public async Task Verify_TamperedAuditEntryNamesEntry()
    {
        await using var lake = await ImportedLakeAsync();
        var sequence = lake.Lake.Control.Audit.Append(null, "test", "first", "ok").Sequence;
        lake.Lake.Control.Audit.Append(null, "test", "second", "ok");
        Execute(lake.Lake.Control.Audit.DatabasePath, $"DROP TRIGGER audit_log_no_update; UPDATE audit_log SET target = 'changed' WHERE seq = {sequence}");

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"broken at entry {sequence}", output);
    }

    [Fact]
    public async Task Repair_RemovesStaleTemporaryFileAndRegistersBlob()
    {
        await using var lake = await ImportedLakeAsync();
        var blobs = (EncryptedBlobStore)lake.Lake.Blobs;
        var sha256 = (await lake.AllRecordsAsync())[0].Provenance.BlobSha256;
        Execute(lake, $"DELETE FROM blobs WHERE sha256 = '{sha256}'");
        var (before, _, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);
        var stray = Path.Combine(blobs.Root, ".tmp", "0123456789abcdef");
        await File.WriteAllBytesAsync(stray, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stray, DateTime.UtcNow.AddHours(-2));
        var (repaired, output, _) = await LakeProcess.RunAsync("verify", "--repair", "--data-dir", lake.Directory);
        var (after, _, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, before);
        Assert.Equal(0, repaired);
        Assert.Contains($"repaired: Registered blob {sha256}", output);
        Assert.False(File.Exists(stray));
        Assert.Equal(0, after);
    }

    [Fact]
    public async Task Repair_SaysWhatItCouldNotFix()
    {
        await using var lake = await ImportedLakeAsync();
        var sha256 = (await lake.AllRecordsAsync())[0].Provenance.BlobSha256;
        var path = ((EncryptedBlobStore)lake.Lake.Blobs).PathFor(sha256);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0x80;
        await File.WriteAllBytesAsync(path, bytes);

        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--repair", "--data-dir", lake.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains($"not repaired: Blob {sha256} does not decrypt", output);
        Assert.True(File.Exists(path));
    }

    private static async Task<TempLake> ImportedLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        return lake;
    }

    private static void Execute(TempLake lake, string sql) => Execute(lake.Lake.Options.DatabasePath, sql);

    private static void Execute(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
