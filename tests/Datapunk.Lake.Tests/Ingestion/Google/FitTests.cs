using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class FitTests
{
    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Session_GivesWorkout()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Fit/All Sessions/2021-03-01T08_00_00+01_00_RUNNING.json", """
            {
              "fitnessActivity": "running",
              "startTime": "2021-03-01T08:00:00.000+01:00",
              "endTime": "2021-03-01T08:30:00.000+01:00",
              "duration": "1800s",
              "segment": [{"fitnessActivity": "running", "startTime": "2021-03-01T08:00:00.000+01:00", "endTime": "2021-03-01T08:30:00.000+01:00"}],
              "aggregate": [
                {"metricName": "com.google.calories.expended", "floatValue": 312.5},
                {"metricName": "com.google.step_count.delta", "intValue": 4210}
              ]
            }
            """);

        var workout = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal("google/fit/owner", workout.Dataset);
        Assert.Equal(RecordKinds.Workout, workout.Kind);
        Assert.Equal(RecordId.For("google/fit/owner", RecordKinds.Workout, "1614582000000/running"), workout.Id);
        Assert.Equal(Time("2021-03-01T08:00:00+01:00"), workout.Start);
        Assert.Equal(TimeSpan.FromHours(1), workout.Start.Offset);
        Assert.Equal(Time("2021-03-01T08:30:00+01:00"), workout.End);
        Assert.Equal(1800.0, (double)workout.Attributes!["durationSeconds"]!);
        Assert.Equal(312.5, (double)workout.Attributes["aggregate"]!["com.google.calories.expended"]!);
        Assert.Equal(4210, (long)workout.Attributes["aggregate"]!["com.google.step_count.delta"]!);
        Assert.Single(workout.Attributes["segments"]!.AsArray());
    }

    [Fact]
    public async Task DailyCsv_GivesOneMetricPerRow()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Fit/Daily activity metrics/2021-03-01.csv",
            "Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,Average heart rate (bpm),Step count,Walking duration (ms)\n"
            + "00:00:00.000+01:00,00:15:00.000+01:00,,1.25,,,,,,\n"
            + "08:00:00.000+01:00,08:15:00.000+01:00,15,120.5,2500.75,30,15,142.3,3100,900000\n"
            + "23:45:00.000+01:00,00:00:00.000+01:00,,1.25,,,,,\"12\",\n");

        var rows = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(RecordKinds.FitnessMetric, r.Kind));
        Assert.Equal(Time("2021-03-01T08:00:00+01:00"), rows[1].Start);
        Assert.Equal(Time("2021-03-01T08:15:00+01:00"), rows[1].End);
        Assert.Equal(3100, (long)rows[1].Attributes!["Step count"]!);
        Assert.Equal(2500.75, (double)rows[1].Attributes!["Distance (m)"]!);
        Assert.Equal(142.3, (double)rows[1].Attributes!["Average heart rate (bpm)"]!);
        Assert.Equal(1.25, (double)Assert.Single(rows[0].Attributes!).Value!);
        Assert.Equal(Time("2021-03-02T00:00:00+01:00"), rows[2].End);
        Assert.Equal(12, (long)rows[2].Attributes!["Step count"]!);
        Assert.Equal("line 3", rows[1].Provenance.Pointer);
        Assert.Equal(RecordId.For("google/fit/owner", RecordKinds.FitnessMetric, "1614582000000/1614582900000"), rows[1].Id);
    }

    [Fact]
    public async Task SummaryCsv_GivesOneMetricPerDay()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Fit/Daily activity metrics/Daily activity metrics.csv",
            "Date,Move Minutes count,Calories (kcal),Step count\n2021-03-01,45,2100.5,9000\n2021-03-02,,1900,\n");

        var rows = await lake.AllRecordsAsync();
        Assert.Equal(2, rows.Count);
        Assert.Equal(Time("2021-03-01T00:00:00Z"), rows[0].Start);
        Assert.Equal(Time("2021-03-02T00:00:00Z"), rows[0].End);
        Assert.False(rows[0].StartOffsetKnown);
        Assert.Equal(9000, (long)rows[0].Attributes!["Step count"]!);
        Assert.Equal(RecordId.For("google/fit/owner", RecordKinds.FitnessMetric, "day/2021-03-02"), rows[1].Id);
    }

    [Fact]
    public async Task DailyCsvWithoutDateInName_IsError()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Fit/Daily activity metrics/renamed.csv",
            "Start time,End time,Step count\n00:00:00.000+01:00,00:15:00.000+01:00,5\n");

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.Equal("line 2", file.Position);
    }

    [Fact]
    public async Task DataPoints_GiveSamples()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Fit/All Data/raw_com.google.step_count.delta_com.google.android.gms_merge.json", """
            {
              "Data Source": "derived:com.google.step_count.delta:com.google.android.gms:merge_step_deltas",
              "Data Points": [
                {"fitValue": [{"value": {"intVal": 12}}], "originDataSourceId": "raw:phone", "endTimeNanos": 1614582060000000000,
                 "dataTypeName": "com.google.step_count.delta", "startTimeNanos": 1614582000000000000, "modifiedTimeMillis": 1614582100000},
                {"fitValue": [{"value": {"fpVal": 71.5}}], "originDataSourceId": "raw:watch", "endTimeNanos": "9223372036854775807",
                 "dataTypeName": "com.google.heart_rate.bpm", "startTimeNanos": "9223372036854775807", "modifiedTimeMillis": "1614582100000"}
              ]
            }
            """);

        var samples = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, samples.Count);
        Assert.All(samples, s => Assert.Equal(RecordKinds.FitnessSample, s.Kind));
        Assert.Equal(Time("2021-03-01T07:00:00Z"), samples[0].Start);
        Assert.Equal(Time("2021-03-01T07:01:00Z"), samples[0].End);
        Assert.Equal(12, (long)samples[0].Attributes!["values"]![0]!);
        Assert.Equal("derived:com.google.step_count.delta:com.google.android.gms:merge_step_deltas", (string)samples[0].Attributes!["dataSource"]!);
        Assert.Equal(RecordId.For("google/fit/owner", RecordKinds.FitnessSample, "com.google.step_count.delta/raw:phone/1614582000000000000/1614582060000000000"), samples[0].Id);
        Assert.Equal(Time("2262-04-11T23:47:16.854Z"), samples[1].Start);
        Assert.Equal(71.5, (double)samples[1].Attributes!["values"]![0]!);
        Assert.Equal("/Data Points/1", samples[1].Provenance.Pointer);
    }

    [Theory]
    [InlineData("\"startTimeNanos\": \"99999999999999999999\"", "/Data Points/0/startTimeNanos")]
    [InlineData("\"startTimeNanos\": 1e20", "/Data Points/0/startTimeNanos")]
    [InlineData("\"startTimeNanos\": 0, \"modifiedTimeMillis\": 9223372036854775807", "/Data Points/0/modifiedTimeMillis")]
    public async Task DataPointsOutOfRange_IsErrorNamingPointer(string fields, string pointer)
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Fit/All Data/raw.json",
            "{\"Data Source\": \"x\", \"Data Points\": [{\"dataTypeName\": \"t\", " + fields + "}]}");

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(FileOutcome.Error, file.Outcome);
        Assert.StartsWith(pointer + " (byte ", file.Position, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }
}
