using System.Security.Cryptography;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// A blob whose file was damaged or lost on disk: importing the original again repairs it, an import that reads it
/// reports a file error instead of crashing, and <c>lake verify --repair</c> keeps its key.
/// </summary>
public sealed class BlobRepairTests
{
    private const string EntryPath = "Takeout/Location History/Records.json";

    [Fact]
    public async Task Ingest_FlippedByteRepairedByReimport()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = await WriteZipAsync();
        await lake.ImportAsync(zip);
        var sha256 = EntrySha256();
        var path = Blobs(lake).PathFor(sha256);
        FlipByte(path);

        var (exitCode, output, error) = await LakeProcess.RunAsync("ingest", zip, "--data-dir", lake.Directory);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Unhandled exception", error);
        Assert.Matches(@"errors:\s+0\n", output);
        Assert.True(Blobs(lake).FileDecrypts(sha256));
    }

    [Fact]
    public async Task Import_MissingFileRestoredByReimport()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = await WriteZipAsync();
        await lake.ImportAsync(zip);
        var sha256 = EntrySha256();
        File.Delete(Blobs(lake).PathFor(sha256));

        var summary = await lake.ImportAsync(zip);

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.Equal(0, summary.Errors);
        await using var content = await lake.Lake.Blobs.OpenReadAsync(sha256, CancellationToken.None);
        Assert.NotNull(content);
        using var reader = new StreamReader(content);
        Assert.Equal(OwnerFixtures.SecretRecordsJson, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Import_RepairKeepsDatasetKeyWraps()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = await WriteZipAsync();
        await lake.ImportAsync(zip);
        var sha256 = EntrySha256();
        var path = Blobs(lake).PathFor(sha256);
        FlipByte(path);

        await lake.ImportAsync(zip);
        var (exitCode, output, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.True(Blobs(lake).FileDecrypts(sha256));
        Assert.Equal(0, exitCode);
        Assert.Contains("OK", output);
    }

    [Fact]
    public async Task ImportStoredBlob_DamagedFileIsFileError()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(await WriteZipAsync());
        var sha256 = EntrySha256();
        FlipByte(Blobs(lake).PathFor(sha256));
        var job = ImportJob.Create("stored blob", lake.Lake.Options.Account);
        await lake.Lake.Records.CreateImportAsync(job.Summary, CancellationToken.None);

        var summary = await lake.Lake.Engine.RunAsync(job, [new ImportSource("Records.json", BlobSha256: sha256)], observer: null, CancellationToken.None);
        var files = await lake.Lake.Records.GetImportFilesAsync(job.Id, CancellationToken.None);

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.Equal(1, summary.Errors);
        var file = Assert.Single(files);
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Contains($"The stored blob {sha256} of this file cannot be read", file.Message);
        Assert.Contains("lake verify", file.Message);
    }

    [Fact]
    public async Task Repair_KeepsKeyOfMissingFile()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(await WriteZipAsync());
        var sha256 = EntrySha256();
        var path = Blobs(lake).PathFor(sha256);
        var backup = Path.Combine(TempLake.NewDirectory(), sha256);
        File.Copy(path, backup);
        File.Delete(path);

        var (repairExitCode, repairOutput, _) = await LakeProcess.RunAsync("verify", "--repair", "--data-dir", lake.Directory);
        File.Copy(backup, path);
        var (afterExitCode, _, _) = await LakeProcess.RunAsync("verify", "--data-dir", lake.Directory);

        Assert.Equal(1, repairExitCode);
        Assert.Contains($"Blob {sha256} is registered but its file is missing. Its key is kept", repairOutput);
        Assert.Contains("import the original file again", repairOutput);
        Assert.DoesNotContain("Removed the key", repairOutput);
        Assert.Equal(0, afterExitCode);
        Assert.True(Blobs(lake).FileDecrypts(sha256));
    }

    private static EncryptedBlobStore Blobs(TempLake lake) => (EncryptedBlobStore)lake.Lake.Blobs;

    private static string EntrySha256() =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(OwnerFixtures.SecretRecordsJson)));

    private static async Task<string> WriteZipAsync()
    {
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout-owner.zip");
        await File.WriteAllBytesAsync(zip, Fixtures.Zip((EntryPath, OwnerFixtures.SecretRecordsJson)));
        return zip;
    }

    /// <summary>Flips one bit in the middle of a file, as a failing disk or a stray write would.</summary>
    private static void FlipByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }
}
