using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>Two small Records.json exports with distinctive text and coordinates, for two accounts.</summary>
internal static class OwnerFixtures
{
    public const string SecretText = "ZEBRAFISH-SECRET-7731";
    public const double SecretLatitude = 47.1234567;
    public const double SecretLongitude = 8.7654321;

    public const string KeptText = "HERON-KEPT-4412";

    public const string OwnerDataset = "google/location-history/owner";
    public const string KeeperDataset = "google/location-history/keeper";

    public static string RecordsJson(string source, int latitudeE7, int longitudeE7) => $$"""
        {
          "locations": [{
            "latitudeE7": {{latitudeE7}},
            "longitudeE7": {{longitudeE7}},
            "accuracy": 20,
            "source": "{{source}}",
            "timestamp": "2023-05-01T08:15:30+02:00"
          }, {
            "latitudeE7": {{latitudeE7 + 1000}},
            "longitudeE7": {{longitudeE7 + 1000}},
            "accuracy": 12,
            "source": "{{source}}",
            "timestamp": "2024-02-10T10:00:00Z"
          }]
        }
        """;

    public static string SecretRecordsJson => RecordsJson(SecretText, 471234567, 87654321);

    public static string KeptRecordsJson => RecordsJson(KeptText, -338688000, 1512093000);

    /// <summary>Imports one Records.json for <paramref name="account"/> from a zip, as a user's Takeout would arrive.</summary>
    public static async Task<ImportSummary> ImportAsync(Lake lake, string account, string recordsJson)
    {
        var folder = TempLake.NewDirectory();
        var zip = Path.Combine(folder, $"takeout-{account}.zip");
        await File.WriteAllBytesAsync(zip, Fixtures.Zip(("Takeout/Location History/Records.json", recordsJson)));
        var job = ImportJob.Create(zip, account);
        await lake.Records.CreateImportAsync(job.Summary, CancellationToken.None);
        return await lake.Engine.RunAsync(job, [new ImportSource(Path.GetFileName(zip), LocalPath: zip)], observer: null, CancellationToken.None);
    }
}
