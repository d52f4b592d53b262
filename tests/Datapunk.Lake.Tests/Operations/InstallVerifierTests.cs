using Datapunk.Lake.Server.Integrity;

namespace Datapunk.Lake.Tests.Operations;

public sealed class InstallVerifierTests
{
    [Fact]
    public async Task Untouched_folder_is_intact()
    {
        using var app = await PublishedAppFolder.CreateAsync();

        var result = await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None);

        Assert.True(result.ManifestFound);
        Assert.Equal(4, result.FilesChecked);
        Assert.True(result.IsIntact, string.Join("; ", result.DescribeDifferences()));
    }

    [Fact]
    public async Task One_changed_byte_in_dll_is_detected()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        var length = new FileInfo(app.FilePath("Datapunk.Lake.dll")).Length;
        app.ChangeOneByte("Datapunk.Lake.dll", length / 2);

        var result = await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None);

        Assert.False(result.IsIntact);
        Assert.Equal(["Datapunk.Lake.dll"], result.Modified);
        Assert.Empty(result.Missing);
        Assert.Empty(result.Unexpected);
    }

    [Fact]
    public async Task Changed_nested_file_is_named_by_relative_path()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        app.ChangeOneByte("runtimes/linux-x64/native/libsample.so", 0);

        var result = await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None);

        Assert.Equal(["runtimes/linux-x64/native/libsample.so"], result.Modified);
    }

    [Fact]
    public async Task Missing_and_added_files_are_differences()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        File.Delete(app.FilePath("System.CommandLine.dll"));
        await File.WriteAllTextAsync(app.FilePath("Injected.dll"), "not part of the build");

        var result = await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None);

        Assert.False(result.IsIntact);
        Assert.Equal(["System.CommandLine.dll"], result.Missing);
        Assert.Equal(["Injected.dll"], result.Unexpected);
        Assert.Empty(result.Modified);
    }

    [Fact]
    public async Task Folder_without_manifest_is_not_verified()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        File.Delete(app.FilePath(InstallManifest.FileName));

        var result = await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None);

        Assert.False(result.ManifestFound);
        Assert.False(result.IsIntact);
    }

    [Fact]
    public async Task Malformed_manifest_is_rejected()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        await File.AppendAllTextAsync(app.FilePath(InstallManifest.FileName), "not-a-hash  lake.dll\n");

        var exception = await Assert.ThrowsAsync<FormatException>(() => InstallVerifier.VerifyAsync(app.Path, CancellationToken.None));

        Assert.Contains("Invalid line 5", exception.Message);
    }

    [Fact]
    public async Task Verify_command_exit_codes()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        var intact = Server.Cli.VerifyCommand.Report(await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None), output, error);
        app.ChangeOneByte("lake.dll", 100);
        var changed = Server.Cli.VerifyCommand.Report(await InstallVerifier.VerifyAsync(app.Path, CancellationToken.None), output, error);

        Assert.Equal(Server.Cli.VerifyCommand.Intact, intact);
        Assert.Equal(Server.Cli.VerifyCommand.Differs, changed);
        Assert.Contains("modified: lake.dll", output.ToString());
    }
}
