using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Cli;

public sealed class CliTests
{
    private static string SampleZip => Path.Combine(RepositoryRoot.Path, "samples", "takeout-sample.zip");

    [Fact]
    public async Task Ingest_SampleExitsZeroWithSummary()
    {
        var dataDirectory = TempLake.NewDirectory();

        var (exitCode, output, _) = await LakeProcess.RunAsync("ingest", SampleZip, "--data-dir", dataDirectory);

        Assert.Equal(0, exitCode);
        Assert.Contains("succeeded", output);
        Assert.Contains("google.location-history.records", output);
        Assert.Contains("files kept, not parsed:    1", output);
        Assert.Contains("errors:                    0", output);
    }

    [Fact]
    public async Task Formats_ListsLakeExport()
    {
        var (exitCode, output, _) = await LakeProcess.RunAsync("formats");

        Assert.Equal(0, exitCode);
        Assert.Contains("datapunk-lake.export", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_NonNumericLimitNamesValue()
    {
        var (exitCode, _, error) = await LakeProcess.RunAsync("embed", "--limit", "abc", "--data-dir", TempLake.NewDirectory());

        Assert.Equal(1, exitCode);
        Assert.Contains("Invalid value 'abc' for --limit: expected a whole number.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_BadAgeNamesSubcommand()
    {
        var (exitCode, _, error) = await LakeProcess.RunAsync("retention", "set", "--max-age-days", "x", "--data-dir", TempLake.NewDirectory());

        Assert.Equal(1, exitCode);
        Assert.Contains("Run 'lake retention set --help' for the options.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_EmptyLakeSaysNothingToEmbed()
    {
        var (exitCode, output, _) = await LakeProcess.RunAsync("embed", "--data-dir", TempLake.NewDirectory());

        Assert.Equal(0, exitCode);
        Assert.Contains("Nothing to embed: every text record has an embedding.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_FileErrorsExitTwo()
    {
        var folder = TempLake.NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder, "Records.json"), "{\"locations\": [{\"timestampMs\": \"1\",");

        var (exitCode, output, _) = await LakeProcess.RunAsync("ingest", folder, "--data-dir", TempLake.NewDirectory());

        Assert.Equal(2, exitCode);
        Assert.Contains("Records.json (", output);
        Assert.Contains("truncated", output);
    }

    [Fact]
    public async Task Ingest_MissingPathExitsOne()
    {
        var (exitCode, _, error) = await LakeProcess.RunAsync("ingest", "/nonexistent/takeout.zip", "--data-dir", TempLake.NewDirectory());

        Assert.Equal(1, exitCode);
        Assert.Contains("'/nonexistent/takeout.zip' does not exist", error);
    }

    [Fact]
    public async Task Ingest_DataDirFromEnvironment()
    {
        var dataDirectory = TempLake.NewDirectory();
        var info = LakeProcess.StartInfo("ingest", SampleZip, "--quiet");
        info.Environment[LakeOptions.DataDirectoryVariable] = dataDirectory;

        using var process = Process.Start(info)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "lake.db")));
    }

    [Fact]
    public async Task Records_PrintsImportedRecords()
    {
        var dataDirectory = TempLake.NewDirectory();
        await LakeProcess.RunAsync("ingest", SampleZip, "--data-dir", dataDirectory);

        var (exitCode, output, _) = await LakeProcess.RunAsync("records", "--data-dir", dataDirectory, "--kind", "location", "--from", "2023-05-06", "--to", "2023-05-07");

        Assert.Equal(0, exitCode);
        Assert.Contains("2023-05-06T09:58:12+00:00  location         52.516350,13.377700", output);
    }

    [Fact]
    public async Task Records_BadBoxExitsOne()
    {
        var (exitCode, _, error) = await LakeProcess.RunAsync("records", "--data-dir", TempLake.NewDirectory(), "--bbox", "1,2");

        Assert.Equal(1, exitCode);
        Assert.Contains("Invalid 'bbox'", error);
    }

    [Fact]
    public async Task Serve_AnswersHealthOnChosenPort()
    {
        var port = FreePort();
        var info = LakeProcess.StartInfo("serve", "--data-dir", TempLake.NewDirectory(), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(info)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var status = await PollAsync(client, "/health/live");

            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_InvalidPortExitsTwo()
    {
        var (exitCode, _, error) = await LakeProcess.RunAsync("serve", "--data-dir", TempLake.NewDirectory(), "--port", "70000");

        Assert.Equal(2, exitCode);
        Assert.Contains("Invalid --port '70000'", error);
    }

    private static async Task<HttpStatusCode?> PollAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(path);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class CliBadArchiveTests
{
    [Fact]
    public async Task Ingest_TinyFakeZipIsFileError()
    {
        var file = Path.Combine(TempLake.NewDirectory(), "fake.zip");
        await File.WriteAllBytesAsync(file, [(byte)'P', (byte)'K', 3, 4, (byte)'g', (byte)'a', (byte)'r', (byte)'b', (byte)'a', (byte)'g', (byte)'e']);

        var (exitCode, output, error) = await LakeProcess.RunAsync("ingest", file, "--data-dir", TempLake.NewDirectory());

        Assert.Equal(2, exitCode);
        Assert.Contains("finished with 1 file error (listed below)", output);
        Assert.Contains("fake.zip (entry 1", output);
        Assert.DoesNotContain("Unhandled exception", error);
    }
}
