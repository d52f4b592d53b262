using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Datapunk.Lake.Sovereignty.Deletion;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class ExportTests
{
    [Fact]
    public async Task Manifest_HashesEveryFile()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        using var zipBytes = new MemoryStream();
        await lake.Lake.Control.Exporter.ExportAsync(zipBytes, new ExportFilter(), CancellationToken.None);

        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();

        Assert.Equal(zip.Entries.Count - 1, files.Count);
        foreach (var file in files)
        {
            using var entry = zip.GetEntry(file.GetProperty("path").GetString()!)!.Open();
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(entry)));
        }
    }

    [Fact]
    public async Task Export_FilterByDatasetLeavesOthersOut()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        using var zipBytes = new MemoryStream();

        var summary = await lake.Lake.Control.Exporter.ExportAsync(zipBytes, new ExportFilter { Datasets = [OwnerFixtures.KeeperDataset] }, CancellationToken.None);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("records.ndjson")!.Open());
        var text = await reader.ReadToEndAsync();

        Assert.Equal(2, summary.Records);
        Assert.Equal(1, summary.Originals);
        Assert.DoesNotContain(OwnerFixtures.SecretText, text);
        Assert.Contains(OwnerFixtures.KeptText, text);
    }

    [Fact]
    public async Task ExportAll_CountsImportsWithoutRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        await lake.Lake.Control.Deletion.DeleteAsync(new DeletionRequest(Dataset: OwnerFixtures.KeeperDataset), scope: null, CancellationToken.None);
        using var zipBytes = new MemoryStream();

        var summary = await lake.Lake.Control.Exporter.ExportAsync(zipBytes, new ExportFilter(), CancellationToken.None);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        using var imports = await JsonDocument.ParseAsync(zip.GetEntry("imports.json")!.Open());
        using var datasets = await JsonDocument.ParseAsync(zip.GetEntry("datasets.json")!.Open());

        Assert.Equal(2, imports.RootElement.GetArrayLength());
        Assert.Equal(2, summary.Imports);
        Assert.Equal(datasets.RootElement.GetArrayLength(), summary.Datasets);
    }

    [Fact]
    public async Task ExportByDataset_CountsItsImport()
    {
        await using var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(lake.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        using var zipBytes = new MemoryStream();

        var summary = await lake.Lake.Control.Exporter.ExportAsync(zipBytes, new ExportFilter { Datasets = [OwnerFixtures.KeeperDataset] }, CancellationToken.None);

        Assert.Equal(1, summary.Datasets);
        Assert.Equal(1, summary.Imports);
    }
}
