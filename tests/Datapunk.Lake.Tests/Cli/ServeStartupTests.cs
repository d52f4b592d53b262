using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Datapunk.Lake.Server.Integrity;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Cli;

/// <summary>
/// <c>lake serve</c> as a process: an invalid setting exits 2 with one line, and neither a bad setting nor a failed
/// install check touches the data directory.
/// </summary>
public sealed class ServeStartupTests
{
    /// <summary>Every setting that <c>lake serve</c> reads before it opens the lake, with a bad value.</summary>
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "LAKE_PORT", "http", "Invalid LAKE_PORT 'http'. Use a number from 1 to 65535." },
        { "LAKE_HOST", "localhost", "Invalid LAKE_HOST 'localhost'. Use an IP address" },
        { "LAKE_HTTPS_PORT", "70000", "Invalid LAKE_HTTPS_PORT '70000'. Use a number from 1 to 65535" },
        { "LAKE_VERIFY_INSTALL", "strict", "Invalid LAKE_VERIFY_INSTALL 'strict'. Use 'enforce'" },
        { "LAKE_HEALTH_MIN_FREE_DISK_MB", "-5", "Invalid LAKE_HEALTH_MIN_FREE_DISK_MB '-5'. Use a whole number of MiB from 0 to" },
        { "LAKE_HEALTH_MAX_MEMORY_MB", "0", "Invalid LAKE_HEALTH_MAX_MEMORY_MB '0'. Use a whole number of MiB from 1 to" },
        { "LAKE_HEALTH_DETAIL", "everything", "Invalid LAKE_HEALTH_DETAIL 'everything'. Use 'figures'" },
        { "LAKE_LOG_FORMAT", "xml", "Invalid LAKE_LOG_FORMAT 'xml'. Use 'json'" },
        { "LAKE_LOG_LEVEL", "Loud", "Invalid LAKE_LOG_LEVEL 'Loud'. Use Trace, Debug" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task InvalidSetting_ExitsTwoWithOneLine(string variable, string value, string expected)
    {
        var dataDirectory = NewMissingDirectory();

        var (exitCode, error) = await RunServeAsync(dataDirectory, new() { [variable] = value }, passPort: variable != "LAKE_PORT");

        Assert.Equal(2, exitCode);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDirectory), "A bad setting created the data directory.");
    }

    [Theory]
    [InlineData("--port", "0", "Invalid --port '0'. Use a number from 1 to 65535.")]
    [InlineData("--port", "eighty", "Invalid --port 'eighty'. Use a number from 1 to 65535.")]
    [InlineData("--host", "::zz", "Invalid --host '::zz'. Use an IP address such as 127.0.0.1 or 0.0.0.0.")]
    public async Task InvalidOption_ExitsTwoWithOneLine(string option, string value, string expected)
    {
        var dataDirectory = NewMissingDirectory();

        var (exitCode, error) = await RunServeAsync(dataDirectory, [], passPort: option != "--port", option, value);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, error.TrimEnd('\n'));
        Assert.False(Directory.Exists(dataDirectory), "A bad option created the data directory.");
    }

    [Fact]
    public async Task InvalidMasterKey_ExitsTwoWithoutSecret()
    {
        const string secret = "not-a-key-but-secret-8841";

        var (exitCode, error) = await RunServeAsync(NewMissingDirectory(), new() { [MasterKeySource.KeyVariable] = secret }, passPort: true);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Invalid LAKE_MASTER_KEY (the value is secret and not shown). Use 32 random bytes in base64", error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKeyFile_ExitsTwoForAnyCommand()
    {
        var info = LakeProcess.StartInfo("records", "--data-dir", NewMissingDirectory());
        info.Environment[MasterKeySource.KeyFileVariable] = "/nonexistent/master.key";

        var (exitCode, error) = await RunAsync(info);

        Assert.Equal(2, exitCode);
        Assert.Equal("Invalid LAKE_MASTER_KEY_FILE '/nonexistent/master.key'. The file does not exist. Name the file that contains the lake's master key.", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task OtherLakesKey_ExitsTwoWithOneLine()
    {
        var dataDirectory = NewMissingDirectory();
        var (created, _) = await RunAsync(LakeProcess.StartInfo("records", "--data-dir", dataDirectory));
        Assert.Equal(0, created);
        var otherKey = Path.Combine(TempLake.NewDirectory(), "other.key");
        await File.WriteAllTextAsync(otherKey, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var info = LakeProcess.StartInfo("records", "--data-dir", dataDirectory);
        info.Environment[MasterKeySource.KeyFileVariable] = otherKey;

        var (exitCode, error) = await RunAsync(info);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"Invalid master key from {otherKey} (the value is secret and not shown). It is not the key of this lake", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task RejectedInstall_LeavesDataDirectoryAlone()
    {
        // The test output folder has no install manifest, so an explicit 'enforce' rejects it, as it rejects a
        // changed file: the same check with the same outcome, decided before the lake is opened.
        var dataDirectory = NewMissingDirectory();

        var (exitCode, error) = await RunServeAsync(dataDirectory, new() { [InstallVerificationSettings.ModeKey] = "enforce" }, passPort: true);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"Refusing to start: {InstallManifest.FileName} is missing from", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDirectory), "The rejected install created the data directory.");
    }

    /// <summary>A path under a new temporary folder that does not exist yet, so the test can check whether serve creates it.</summary>
    private static string NewMissingDirectory() => Path.Combine(TempLake.NewDirectory(), "lake");

    private static Task<(int ExitCode, string Error)> RunServeAsync(string dataDirectory, Dictionary<string, string> environment, bool passPort, params string[] arguments)
    {
        List<string> all = ["serve", "--data-dir", dataDirectory, .. arguments];
        if (passPort)
        {
            // A free port, so a server that starts by mistake binds and is then stopped by the timeout.
            all.AddRange(["--port", FreePort().ToString(CultureInfo.InvariantCulture)]);
        }

        var info = LakeProcess.StartInfo([.. all]);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return RunAsync(info);
    }

    /// <summary>Runs the process for up to 60 s. A server that is still running then is killed, and the test fails.</summary>
    private static async Task<(int ExitCode, string Error)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"'lake {string.Join(' ', info.ArgumentList.Skip(1))}' was still running after 60 s. Output: {await output}");
        }

        await output;
        return (process.ExitCode, await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
