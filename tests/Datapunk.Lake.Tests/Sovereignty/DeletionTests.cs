using System.Text;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class DeletionTests
{
    [Fact]
    public async Task DeleteDataset_LeavesNoTraceOnDisk()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);

        var result = await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(2, result.Records);
        var patterns = new Dictionary<string, byte[]>
        {
            ["text UTF-8"] = Encoding.UTF8.GetBytes(OwnerFixtures.SecretText),
            ["text UTF-16"] = Encoding.Unicode.GetBytes(OwnerFixtures.SecretText),
            ["latitude text"] = Encoding.ASCII.GetBytes("47.1234567"),
            ["latitude E7 text"] = Encoding.ASCII.GetBytes("471234567"),
            ["longitude text"] = Encoding.ASCII.GetBytes("8.7654321"),
            ["latitude double"] = BitConverter.GetBytes(OwnerFixtures.SecretLatitude),
            ["longitude double"] = BitConverter.GetBytes(OwnerFixtures.SecretLongitude),
            ["second latitude double"] = BitConverter.GetBytes(47.1235567),
            ["latitude float"] = BitConverter.GetBytes((float)OwnerFixtures.SecretLatitude),
        };
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(lake.Directory, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var (name, pattern) in patterns)
            {
                if (bytes.AsSpan().IndexOf(pattern) >= 0)
                {
                    found.Add($"{name} in {Path.GetRelativePath(lake.Directory, file)}");
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public async Task DeleteDataset_KeepsOtherDatasets()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        var records = await lake.AllRecordsAsync();

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(OwnerFixtures.KeeperDataset, r.Dataset));
        await using var original = await lake.Lake.Blobs.OpenReadAsync(records[0].Provenance.BlobSha256, CancellationToken.None);
        Assert.NotNull(original);
        var report = await lake.Lake.Control.Verifier.VerifyAsync(repair: false, CancellationToken.None);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task DryRun_CountsAndChangesNothing()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        var preview = await lake.Lake.Control.Deletion.PreviewAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);

        Assert.True(preview.DryRun);
        Assert.Equal(2, preview.Records);
        Assert.Equal(2, preview.Blobs);
        Assert.Equal(2, (await lake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task DeleteTimeRange_RemovesOnlyThatRange()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        var result = await lake.Lake.Control.Deletion.DeleteAsync(
            new DeletionRequest(From: DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), scope: null, CancellationToken.None);
        var records = await lake.AllRecordsAsync();

        Assert.Equal(1, result.Records);
        Assert.Equal(0, result.Blobs);
        Assert.Single(records);
        Assert.Equal(2023, records[0].Start.Year);
    }

    [Fact]
    public async Task Tombstones_KeepReimportOut()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);

        var again = await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        Assert.Equal(0, again.RecordsAdded);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task AllowReimport_LetsItemsBack()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset, AllowReimport: true), scope: null, CancellationToken.None);

        var again = await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        Assert.Equal(2, again.RecordsAdded);
    }

    [Fact]
    public async Task Delete_IsAudited()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);

        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.OwnerDataset), scope: null, CancellationToken.None);
        var last = lake.Lake.Control.Audit.Page(0, 1000)[^1];

        Assert.Equal("delete", last.Action);
        Assert.Equal("dataset=" + OwnerFixtures.OwnerDataset, last.Target);
        Assert.Equal("ok: 2 records, 2 blobs, data keys destroyed: 1", last.Outcome);
    }
}
