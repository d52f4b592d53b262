using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

/// <summary>How each field of a Records.json item, in its lenient forms, reaches the stored record.</summary>
public sealed class RecordsJsonFieldTests
{
    private const string Mixed = """
        {
          "locations": [{
            "latitudeE7": 488584000,
            "longitudeE7": "22945000",
            "accuracy": "12.5",
            "timestamp": "2024-05-01T10:00:00.123+02:00",
            "extra": { "nested": [1, { "source": "not this one" }] },
            "source": "WIFI",
            "deviceTag": -1234567,
            "platformType": "ANDROID",
            "altitude": 35.0,
            "verticalAccuracy": 3,
            "velocity": true,
            "heading": null,
            "activity": [
              { "timestampMs": "1714550400000", "activity": [{ "type": "STILL", "confidence": 90 }, { "type": "ON_FOOT", "confidence": "7" }, 5] },
              "not an object",
              { "timestamp": "2024-05-01T10:01:00Z", "activity": { "type": "x" } }
            ]
          }, {
            "timestampMs": 1714550460000,
            "latitudeE7": 1.5e8,
            "longitudeE7": null,
            "accuracy": 8,
            "source": "caf\u00e9 <x>",
            "sou\u0072ce": "last wins",
            "activity": []
          }]
        }
        """;

    [Fact]
    public async Task Fields_ReachTheStoredRow()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Location History/Records.json", Mixed);

        var rows = Rows(lake, "SELECT start_ms, start_offset_min, lat, lon, accuracy_m, attributes, pointer, byte_offset FROM records ORDER BY start_ms");

        Assert.Equal(2, rows.Count);
        Assert.Equal([1714550400123L, 120L, 48.8584, 2.2945, 12.5], rows[0][..5]);
        Assert.Equal(
            """{"source":"WIFI","deviceTag":-1234567,"platformType":"ANDROID","altitude":35,"verticalAccuracy":3,"velocity":true,"activity":[{"time":"2024-05-01T08:00:00.000\u002B00:00","guesses":[{"type":"STILL","confidence":90},{"type":"ON_FOOT","confidence":7},{"type":null,"confidence":null}]},{"time":null,"guesses":[]},{"time":"2024-05-01T10:01:00.000\u002B00:00","guesses":[]}]}""",
            rows[0][5]);
        Assert.Equal("/locations/0", rows[0][6]);
        Assert.Equal(Mixed.IndexOf("{\n    \"latitudeE7\"", StringComparison.Ordinal), Convert.ToInt32(rows[0][7], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Fields_AcceptNumbersInOtherForms()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Location History/Records.json", Mixed);

        var rows = Rows(lake, "SELECT start_ms, start_offset_min, lat, lon, accuracy_m, attributes, pointer FROM records ORDER BY start_ms");

        Assert.Equal([1714550460000L, null, 15.0, null, 8.0], rows[1][..5]);
        Assert.Equal("""{"source":"last wins"}""", rows[1][5]);
        Assert.Equal("/locations/1", rows[1][6]);
    }

    [Theory]
    [InlineData("""{"locations": [5]}""", "Location 0 is not an object.")]
    [InlineData("""{"locations": [{"timestamp": "noon", "latitudeE7": 1}]}""", "Location 0 has neither a valid 'timestamp' nor 'timestampMs'.")]
    [InlineData("""{"locations": [{"timestampMs": "1714550460000"}, {"timestampMs": {"a": 1}}]}""", "Location 1 has neither a valid 'timestamp' nor 'timestampMs'.")]
    public async Task BadItem_FailsTheFile(string content, string message)
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportTextAsync("Takeout/Location History/Records.json", content);

        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        Assert.Equal(1, summary.Errors);
        Assert.StartsWith(message, Assert.Single(files).Message, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    private static List<object?[]> Rows(TempLake lake, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(lake.Directory, "lake.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
