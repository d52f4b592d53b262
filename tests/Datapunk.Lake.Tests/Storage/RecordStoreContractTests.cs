using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Tests.Storage;

public sealed class RecordStoreContractTests
{
    private static readonly FileParseKey Key = new(new string('a', 64), "test.format", 1, "owner");

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Migrate_TwiceIsHarmless(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);

        await store.MigrateAsync(CancellationToken.None);

        Assert.True(await store.PingAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Writer_CommitMakesRecordsVisible(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");

        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(Draft("1", "2024-01-01T10:00:00+01:00"));
            writer.Add(Draft("2", "2024-01-02T10:00:00+01:00"));
            writer.Commit();
        }

        Assert.Equal(2, await store.CountRecordsAsync(CancellationToken.None));
        Assert.True(await store.IsFileParsedAsync(Key, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Writer_DisposeWithoutCommitAddsNothing(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");

        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(Draft("1", "2024-01-01T10:00:00Z"));
        }

        Assert.Equal(0, await store.CountRecordsAsync(CancellationToken.None));
        Assert.False(await store.IsFileParsedAsync(Key, CancellationToken.None));
        Assert.Empty(await store.ListDatasetsAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task SetRecordAttribute_AddsOneKey(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");
        var draft = Draft("1", "2024-01-01T10:00:00Z");
        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(draft);
            writer.Commit();
        }

        var id = RecordId.For(draft.Dataset, draft.Kind, draft.MergeKey);
        var updated = await store.SetRecordAttributeAsync(id, "media blob", "abc", CancellationToken.None);
        var missing = await store.SetRecordAttributeAsync("no-such-id", "media blob", "abc", CancellationToken.None);

        var record = await store.GetRecordAsync(id, CancellationToken.None);
        Assert.True(updated);
        Assert.False(missing);
        Assert.Equal("abc", (string)record!.Attributes!["media blob"]!);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Writer_SameMergeKeyIsDuplicate(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");

        using var writer = store.BeginFile("imp_1", "a.json", Key);
        var first = writer.Add(Draft("1", "2024-01-01T10:00:00Z"));
        var second = writer.Add(Draft("1", "2024-01-01T10:00:00Z") with { Title = "other" });
        writer.Commit();

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(1, writer.Duplicates);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Record_RoundTripsEveryField(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");
        var draft = Draft("1", "2024-01-01T10:00:00.250+05:30") with
        {
            End = DateTimeOffset.Parse("2024-01-01T11:00:00+05:30", System.Globalization.CultureInfo.InvariantCulture),
            Latitude = 12.9715987,
            Longitude = 77.5945627,
            AccuracyMeters = 7.5,
            Title = "Title ü 東京",
            Text = "Text",
            Attributes = new System.Text.Json.Nodes.JsonObject { ["a"] = 1 },
            ByteOffset = 42,
        };
        using (var writer = store.BeginFile("imp_1", "dir/a.json", Key))
        {
            writer.Add(draft);
            writer.Commit();
        }

        var record = await store.GetRecordAsync(RecordId.For(draft.Dataset, draft.Kind, draft.MergeKey), CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal(draft.Start, record.Start);
        Assert.Equal(TimeSpan.FromMinutes(330), record.Start.Offset);
        Assert.Equal(draft.End, record.End);
        Assert.Equal(12.9715987, record.Latitude);
        Assert.Equal(77.5945627, record.Longitude);
        Assert.Equal(7.5, record.AccuracyMeters);
        Assert.Equal("Title ü 東京", record.Title);
        Assert.Equal("Text", record.Text);
        Assert.Equal(1, (int)record.Attributes!["a"]!);
        Assert.Equal(new Provenance(Key.BlobSha256, "dir/a.json", "/items/1", 42, "imp_1"), record.Provenance);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Query_PagesInTimeOrderWithTies(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");
        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(Draft("c", "2024-01-03T00:00:00Z"));
            writer.Add(Draft("a1", "2024-01-01T00:00:00Z"));
            writer.Add(Draft("a2", "2024-01-01T00:00:00Z"));
            writer.Add(Draft("b", "2024-01-02T00:00:00Z"));
            writer.Commit();
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await store.QueryRecordsAsync(new RecordQuery { Limit = 1, Cursor = cursor }, CancellationToken.None);
            seen.AddRange(page.Items.Select(r => r.Title!));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(["a1", "a2", "b", "c"], seen);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Query_BoundingBoxSelectsInside(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");
        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(Draft("paris", "2024-01-01T00:00:00Z") with { Latitude = 48.8566, Longitude = 2.3522 });
            writer.Add(Draft("tokyo", "2024-01-02T00:00:00Z") with { Latitude = 35.6762, Longitude = 139.6503 });
            writer.Add(Draft("nowhere", "2024-01-03T00:00:00Z"));
            writer.Commit();
        }

        var page = await store.QueryRecordsAsync(new RecordQuery { Box = new BoundingBox(2, 48, 3, 49) }, CancellationToken.None);

        Assert.Equal("paris", Assert.Single(page.Items).Title);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Datasets_CountOnlyCommittedRecords(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        await CreateImportAsync(store, "imp_1");
        using (var writer = store.BeginFile("imp_1", "a.json", Key))
        {
            writer.Add(Draft("1", "2024-01-01T00:00:00Z"));
            writer.Add(Draft("1", "2024-01-01T00:00:00Z"));
            writer.Add(Draft("2", "2024-03-01T00:00:00Z") with { End = DateTimeOffset.Parse("2024-03-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) });
            writer.Commit();
        }

        var dataset = Assert.Single(await store.ListDatasetsAsync(CancellationToken.None));

        Assert.Equal(2, dataset.RecordCount);
        Assert.Equal(DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), dataset.First);
        Assert.Equal(DateTimeOffset.Parse("2024-03-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), dataset.Last);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task Imports_RoundTripStateAndFiles(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        var job = ImportJob.Create("takeout.zip", "owner");
        await store.CreateImportAsync(job.Summary, CancellationToken.None);
        job.TransitionTo(ImportState.Running);
        job.Update(s => s with { RecordsAdded = 5, Errors = 1 });
        await store.UpdateImportAsync(job.Summary, CancellationToken.None);
        var report = new ImportFileReport(1, "a.json", null, 10, "f", FileOutcome.Error, 0, 0, "bad", "line 1");
        await store.AddImportFileAsync(job.Id, report, CancellationToken.None);

        var loaded = await store.GetImportAsync(job.Id, CancellationToken.None);

        Assert.Equal(ImportState.Running, loaded!.State);
        Assert.Equal(5, loaded.RecordsAdded);
        Assert.Equal(1, loaded.Errors);
        Assert.Equal([report], await store.GetImportFilesAsync(job.Id, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task AbandonedImport_IsMarkedFailed(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        var job = ImportJob.Create("takeout.zip", "owner");
        await store.CreateImportAsync(job.Summary, CancellationToken.None);
        job.TransitionTo(ImportState.Running);
        await store.UpdateImportAsync(job.Summary, CancellationToken.None);

        var failed = await store.FailAbandonedImportsAsync(_ => false, CancellationToken.None);
        var loaded = await store.GetImportAsync(job.Id, CancellationToken.None);

        Assert.Equal(1, failed);
        Assert.Equal(ImportState.Failed, loaded!.State);
        Assert.Contains("Run the import again", loaded.Message);
    }

    [Theory]
    [MemberData(nameof(StoreImplementations.RecordStores), MemberType = typeof(StoreImplementations))]
    public async Task LiveImport_IsLeftRunning(string implementation)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync(implementation);
        var job = ImportJob.Create("takeout.zip", "owner");
        await store.CreateImportAsync(job.Summary, CancellationToken.None);
        job.TransitionTo(ImportState.Running);
        await store.UpdateImportAsync(job.Summary, CancellationToken.None);

        var failed = await store.FailAbandonedImportsAsync(_ => true, CancellationToken.None);

        Assert.Equal(0, failed);
        Assert.Equal(ImportState.Running, (await store.GetImportAsync(job.Id, CancellationToken.None))!.State);
    }

    private static async Task CreateImportAsync(IRecordStore store, string id) =>
        await store.CreateImportAsync(new ImportSummary { Id = id, Source = "test", Account = "owner", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);

    private static RecordDraft Draft(string key, string start) => new()
    {
        Dataset = "test/dataset/owner",
        Kind = RecordKinds.Note,
        MergeKey = key,
        Start = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        Title = key,
        Pointer = "/items/1",
    };
}
