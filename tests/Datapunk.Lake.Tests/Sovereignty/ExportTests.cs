using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class ExportTests
{
    [Fact]
    public async Task Export_RoundTripsRecordsAndBlobs()
    {
        await using var source = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(source.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var exportPath = Path.Combine(TempLake.NewDirectory(), "export.zip");
        await using (var output = File.Create(exportPath))
        {
            await source.Lake.Control.Exporter.ExportAsync(output, new ExportFilter(), CancellationToken.None);
        }

        await using var target = await TempLake.CreateAsync();
        await target.ImportAsync(exportPath);

        var before = await source.AllRecordsAsync();
        var after = await target.AllRecordsAsync();
        Assert.Equal(before.Select(Comparable), after.Select(Comparable));
        var sourceBlobs = BlobHashes(source);
        Assert.Subset(BlobHashes(target), sourceBlobs);
        Assert.Equal(2, sourceBlobs.Count);
    }

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

    private static string Comparable(Datapunk.Lake.Records.LakeRecord record) =>
        string.Join('|', record.Id, record.Dataset, record.Kind, record.Start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            record.Latitude, record.Longitude, record.Title, record.Text, record.Attributes?.ToJsonString(), record.Provenance.BlobSha256);

    private static HashSet<string> BlobHashes(TempLake lake)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={lake.Lake.Options.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sha256 FROM blobs";
        using var reader = command.ExecuteReader();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }
}
