using System.Net;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Tests.Sovereignty;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Cli;

/// <summary>
/// Local commands that read, add, export or delete data append an audit entry as <c>local-cli:USER</c>, with the
/// action of the matching HTTP request, the target and the outcome. Each command runs as a separate process.
/// </summary>
public sealed class CliAuditTests
{
    private static readonly string Actor = "local-cli:" + Environment.UserName;

    /// <summary>Command arguments after the data directory, then the expected action, target and outcome.</summary>
    public static TheoryData<string[], string, string?, string> Commands => new()
    {
        { ["records", "--kind", "location"], "GET /v1/records", "kind=location", "ok exit 0: 2 records" },
        { ["records", "--bbox", "1,2"], "GET /v1/records", "bbox=(3 characters, not kept)", "failed exit 1: invalid arguments" },
        { ["datasets"], "GET /v1/datasets", null, "ok exit 0: 1 datasets" },
        { ["imports"], "GET /v1/imports/", null, "ok exit 0: 1 imports" },
        { ["imports", "imp_missing"], "GET /v1/imports/{id}", "id=imp_missing", "failed exit 1: not found" },
        { ["search", "--near", "47.1234567,8.7654321", "--radius", "100"], "GET /v1/search/place", "near=(20 characters, not kept) radius=100 sort=distance limit=20", "ok exit 0: 2 results" },
        { ["search", "--mode", "loud", "walk"], "GET /v1/search/", "q=(4 characters, not kept) mode=loud limit=20", "failed exit 1: invalid arguments" },
        { ["delete", "--dataset", OwnerFixtures.OwnerDataset, "--dry-run"], "DELETE /v1/datasets/{**name}", $"dataset={OwnerFixtures.OwnerDataset} dryRun=True", "ok exit 0: 2 records, 2 blobs" },
        { ["delete", "--from", "2024-01-01T00:00:00Z"], "DELETE /v1/records", "from=2024-01-01T00:00:00.0000000+00:00 dryRun=False", "ok exit 0: 1 records, 0 blobs" },
        { ["delete"], "DELETE /v1/records", "dryRun=False", "failed exit 1: invalid arguments" },
        { ["retention", "list"], "GET /v1/retention/", null, "ok exit 0: 0 policies" },
        { ["retention", "set", "--kind", "location", "--max-age-days", "36500"], "PUT /v1/retention/", "kind=location maxAgeDays=36500", "ok exit 0: policy 1" },
        { ["retention", "remove", "7"], "DELETE /v1/retention/{id:long}", "id=7", "failed exit 1: not found" },
        { ["retention", "preview"], "POST /v1/retention/preview", null, "ok exit 0: 0 policies, 0 records" },
        { ["verify"], "verify", "repair=False", "ok exit 0: 2 blobs, 2 records, 0 problems, 0 repairs" },
        { ["embed"], "embed", null, "ok exit 0: 0 records embedded" },
        { ["embed", "--batch-size", "0"], "embed", null, "failed exit 1: invalid arguments" },
        { ["embed", "--limit", "0"], "embed", null, "failed exit 1: invalid arguments" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_AppendsLocalEntry(string[] arguments, string action, string? target, string outcome)
    {
        await using var lake = await OwnerLakeAsync();

        await LakeProcess.RunAsync([.. arguments, "--data-dir", lake.Directory]);
        var entry = LastEntry(lake, action);

        Assert.Equal(Actor, entry.TokenId);
        Assert.Equal(target, entry.Target);
        Assert.Equal(outcome, entry.Outcome);
    }

    [Fact]
    public async Task Ingest_AppendsImportAndCounts()
    {
        await using var lake = await OwnerLakeAsync();
        var file = await WriteRecordsJsonAsync(OwnerFixtures.KeptRecordsJson);

        var (exitCode, _, _) = await LakeProcess.RunAsync("ingest", file, "--account", "keeper", "--data-dir", lake.Directory);
        var entry = LastEntry(lake, "POST /v1/imports/");

        Assert.Equal(0, exitCode);
        Assert.Equal(Actor, entry.TokenId);
        Assert.Matches($"^import=imp_[0-9a-f]+ account=keeper paths={file}$", entry.Target);
        Assert.Equal("ok exit 0: Succeeded, 2 records added, 0 file errors", entry.Outcome);
    }

    [Fact]
    public async Task Ingest_FileErrorsArePartial()
    {
        await using var lake = await OwnerLakeAsync();
        var file = await WriteRecordsJsonAsync("{\"locations\": [{\"timestampMs\": \"1\",");

        var (exitCode, _, _) = await LakeProcess.RunAsync("ingest", file, "--data-dir", lake.Directory);
        var entry = LastEntry(lake, "POST /v1/imports/");

        Assert.Equal(2, exitCode);
        Assert.Equal("partial exit 2: Succeeded, 0 records added, 1 file errors", entry.Outcome);
    }

    [Fact]
    public async Task Export_AppendsRequestAndExportEntries()
    {
        await using var lake = await OwnerLakeAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "export.zip");

        await LakeProcess.RunAsync("export", zip, "--kind", "location", "--data-dir", lake.Directory);
        var request = LastEntry(lake, "POST /v1/exports");
        var export = LastEntry(lake, "export");

        Assert.Equal($"kind=location file={zip}", request.Target);
        Assert.Equal("ok exit 0: 2 records, 1 originals", request.Outcome);
        Assert.Equal(Actor, export.TokenId);
        Assert.Equal(export.Sequence + 1, request.Sequence);
    }

    [Fact]
    public async Task Delete_ServiceEntryNamesLocalActor()
    {
        await using var lake = await OwnerLakeAsync();

        await LakeProcess.RunAsync("delete", "--dataset", OwnerFixtures.OwnerDataset, "--data-dir", lake.Directory);
        var entry = LastEntry(lake, "delete");

        Assert.Equal(Actor, entry.TokenId);
        Assert.Equal($"dataset={OwnerFixtures.OwnerDataset}", entry.Target);
    }

    [Fact]
    public async Task Entry_NeverContainsTokenSecret()
    {
        await using var lake = await OwnerLakeAsync();
        var secret = (await File.ReadAllTextAsync(lake.Lake.Options.OwnerTokenPath)).Trim();

        await LakeProcess.RunAsync("records", "--data-dir", lake.Directory);
        await LakeProcess.RunAsync("token", "create", "--name", "phone", "--scope", "read", "--data-dir", lake.Directory);

        Assert.All(lake.Lake.Control.Audit.Page(0, 1000), entry => Assert.DoesNotContain(secret, $"{entry.TokenId} {entry.Target} {entry.Outcome}", StringComparison.Ordinal));
        Assert.Equal(Actor, LastEntry(lake, "token.create").TokenId);
    }

    [Fact]
    public async Task InvalidArgumentsWithoutLake_CreateNothing()
    {
        var dataDirectory = Path.Combine(TempLake.NewDirectory(), "lake");

        var (exitCode, _, _) = await LakeProcess.RunAsync("records", "--bbox", "1,2", "--data-dir", dataDirectory);

        Assert.Equal(1, exitCode);
        Assert.False(Directory.Exists(dataDirectory), "Auditing a rejected command created the data directory.");
    }

    [Fact]
    public async Task Verify_PassesAfterCliAndHttpMix()
    {
        await using var app = await TestApp.StartAsync();
        await OwnerFixtures.ImportAsync(app.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        var dataDirectory = app.Lake.Options.DataDirectory;
        var zip = Path.Combine(TempLake.NewDirectory(), "export.zip");

        using (var response = await app.Client.GetAsync("/v1/records?kind=location"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await LakeProcess.RunAsync("records", "--data-dir", dataDirectory);
        using (await app.Client.GetAsync("/v1/datasets"))
        {
        }

        await LakeProcess.RunAsync("delete", "--from", "2024-01-01", "--data-dir", dataDirectory);
        using (await app.Client.DeleteAsync("/v1/records?from=2023-01-01&dryRun=true"))
        {
        }

        await LakeProcess.RunAsync("export", zip, "--data-dir", dataDirectory);
        await LakeProcess.RunAsync("imports", "imp_missing", "--data-dir", dataDirectory);
        var (exitCode, output, _) = await LakeProcess.RunAsync("audit", "verify", "--data-dir", dataDirectory);
        var entries = app.Lake.Control.Audit.Page(0, 1000);

        Assert.Equal(0, exitCode);
        Assert.Equal($"Audit log intact: {entries.Count} entries.\n", output);
        Assert.Contains(entries, entry => entry.TokenId == Actor && entry.Action == "DELETE /v1/records");
        Assert.Contains(entries, entry => entry.TokenId is not null && !entry.TokenId.StartsWith("local-cli", StringComparison.Ordinal) && entry.Action == "DELETE /v1/records");
        Assert.Equal(10, entries.Count);
    }

    private static async Task<TempLake> OwnerLakeAsync()
    {
        var lake = await TempLake.CreateAsync();
        await OwnerFixtures.ImportAsync(lake.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        return lake;
    }

    private static async Task<string> WriteRecordsJsonAsync(string content)
    {
        var file = Path.Combine(TempLake.NewDirectory(), "Records.json");
        await File.WriteAllTextAsync(file, content);
        return file;
    }

    private static AuditEntry LastEntry(TempLake lake, string action) =>
        lake.Lake.Control.Audit.Page(0, 1000).Last(entry => entry.Action == action);
}
