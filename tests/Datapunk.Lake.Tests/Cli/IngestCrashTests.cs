using System.Diagnostics;
using System.Globalization;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Cli;

/// <summary>Kills <c>lake ingest</c> with SIGKILL in the middle of a parse and checks that a second run finishes it.</summary>
public sealed class IngestCrashTests
{
    // About 30 MB: long enough that the parse is usually still running when the kill lands, short enough for CI.
    // On a fast or idle machine the import can commit before the kill arrives. The test then starts over with
    // four times the points, so a late kill makes it slower, not wrong.
    private static readonly int[] Attempts = [140_000, 560_000, 2_240_000];

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task KilledDuringParse_RerunCompletesWithoutDuplicates()
    {
        var folder = TempLake.NewDirectory();
        try
        {
            foreach (var points in Attempts)
            {
                if (await KillAndRerunAsync(Path.Combine(folder, points.ToString(CultureInfo.InvariantCulture)), points))
                {
                    return;
                }
            }

            Assert.Fail($"Every import finished before it was killed, the largest with {Attempts[^1]:N0} points.");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Kills a first import and checks the rerun; false when the first import committed its file before the kill.</summary>
    private static async Task<bool> KillAndRerunAsync(string folder, int points)
    {
        Directory.CreateDirectory(folder);
        var dataDirectory = Path.Combine(folder, "data");
        var input = Path.Combine(folder, "Records.json");
        await WriteRecordsJsonAsync(input, points);
        var inputSha = Sha256OfFile(input);

        // 1. Start the import and kill it once it reports progress, which it does only while parsing.
        bool parsing;
        using (var first = StartLake("ingest", "--data-dir", dataDirectory, input))
        {
            parsing = await WaitForLineAsync(first, line => line.StartsWith("  ...", StringComparison.Ordinal));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        if (Scalar(dataDirectory, "SELECT count(*) FROM parsed_files") == 1)
        {
            return false;
        }

        Assert.True(parsing, "lake ingest ended before it reported parsing progress, and did not finish the file.");

        // 2. The store contains no record of the file, the file is not marked parsed, and every blob is whole.
        Assert.Equal(0L, Scalar(dataDirectory, "SELECT count(*) FROM records"));
        Assert.Equal(0L, Scalar(dataDirectory, "SELECT count(*) FROM records INDEXED BY records_by_cell WHERE cell IS NOT NULL"));
        Assert.Equal(0L, Scalar(dataDirectory, "SELECT count(*) FROM parsed_files"));
        Assert.Equal(0L, Scalar(dataDirectory, "SELECT count(*) FROM datasets"));
        AssertBlobsIntact(dataDirectory);
        Assert.True(File.Exists(BlobPath(dataDirectory, inputSha)));
        Assert.Equal(1L, Scalar(dataDirectory, "SELECT count(*) FROM imports WHERE state = 'Failed' AND message LIKE '%Run the import again%'"));

        // 3. A second run parses the file again and adds every point exactly once.
        using var second = StartLake("ingest", "--data-dir", dataDirectory, "--quiet", input);
        var output = await second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync();
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"records added:             {points:N0}", output, StringComparison.Ordinal);
        Assert.Equal(points, Scalar(dataDirectory, "SELECT count(*) FROM records"));
        Assert.Equal(points, Scalar(dataDirectory, "SELECT count(DISTINCT start_ms) FROM records"));
        Assert.Equal(points, Scalar(dataDirectory, "SELECT count(*) FROM records INDEXED BY records_by_cell WHERE cell IS NOT NULL"));
        Assert.Equal(points, Scalar(dataDirectory, "SELECT record_count FROM datasets"));
        Assert.Equal(1L, Scalar(dataDirectory, "SELECT count(*) FROM parsed_files"));
        AssertBlobsIntact(dataDirectory);
        return true;
    }

    private static async Task WriteRecordsJsonAsync(string path, int count)
    {
        await using var writer = new StreamWriter(path);
        writer.NewLine = "\n";
        await writer.WriteAsync("{\n  \"locations\": [");
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync(i == 0 ? "" : ", ");
            await writer.WriteAsync(Point(i));
        }

        await writer.WriteAsync("]\n}\n");
    }

    private static Process StartLake(params string[] arguments)
    {
        Assert.True(File.Exists(LakeProcess.Dll), $"{LakeProcess.Dll} is missing; the test project must reference the server project.");
        return Process.Start(LakeProcess.StartInfo(arguments)) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>Reads standard error until a line matches; false when the process ends or the patience runs out first.</summary>
    private static async Task<bool> WaitForLineAsync(Process process, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (match(line))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    private static long Scalar(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "lake.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(command.ExecuteScalar() ?? 0L);
    }

    /// <summary>
    /// Checks that every blob file decrypts to content whose hash is its name, and that every registered blob
    /// exists with its registered size. Blob files hold ciphertext, so they are read through the lake's store.
    /// </summary>
    private static void AssertBlobsIntact(string dataDirectory)
    {
        var lake = Lake.OpenAsync(new LakeOptions { DataDirectory = dataDirectory }, CancellationToken.None).GetAwaiter().GetResult();
        var root = Path.Combine(dataDirectory, "blobs");
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (Path.GetRelativePath(root, file).StartsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Equal(Path.GetFileName(file), Sha256OfBlob(lake, Path.GetFileName(file)));
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "lake.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sha256, size FROM blobs";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var sha256 = reader.GetString(0);
            Assert.True(File.Exists(BlobPath(dataDirectory, sha256)), $"Registered blob {sha256} has no file.");
            using var content = lake.Blobs.OpenReadAsync(sha256, CancellationToken.None).GetAwaiter().GetResult()!;
            var length = 0L;
            var buffer = new byte[1 << 16];
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                length += read;
            }

            Assert.Equal(reader.GetInt64(1), length);
        }

        SqliteConnection.ClearAllPools();
    }

    private static string BlobPath(string dataDirectory, string sha256) =>
        Path.Combine(dataDirectory, "blobs", sha256[..2], sha256[2..4], sha256);
}
