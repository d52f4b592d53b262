using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Ingestion.Archives;

namespace Datapunk.Lake.Tests.Support;

/// <summary>A lake in a fresh temporary data directory (a real SQLite file and blob folder), deleted on dispose.</summary>
public sealed class TempLake : IAsyncDisposable
{
    private TempLake(string directory, Lake lake)
    {
        Directory = directory;
        Lake = lake;
    }

    public string Directory { get; }

    public Lake Lake { get; }

    public static async Task<TempLake> CreateAsync(string account = "owner", ImportLimits? limits = null)
    {
        var directory = NewDirectory();
        var options = new LakeOptions { DataDirectory = directory, Account = account, Limits = limits ?? new() };
        var lake = await Lake.OpenAsync(options, CancellationToken.None);
        return new TempLake(directory, lake);
    }

    /// <summary>A new empty folder under the system temporary folder.</summary>
    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "datapunk-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Imports local files or folders as one import and returns its summary.</summary>
    public async Task<ImportSummary> ImportAsync(params string[] paths)
    {
        var job = ImportJob.Create(string.Join(", ", paths), Lake.Options.Account);
        await Lake.Records.CreateImportAsync(job.Summary, CancellationToken.None);
        var sources = paths.Select(p => new ImportSource(Path.GetFileName(Path.TrimEndingDirectorySeparator(p)), LocalPath: p)).ToList();
        return await Lake.Engine.RunAsync(job, sources, observer: null, CancellationToken.None);
    }

    /// <summary>Imports one file written from the given text under the given path inside a temporary folder.</summary>
    public async Task<ImportSummary> ImportTextAsync(string relativePath, string content)
    {
        var folder = NewDirectory();
        var file = Path.Combine(folder, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, content);
        return await ImportAsync(folder);
    }

    /// <summary>Every record of the lake, in time order.</summary>
    public async Task<IReadOnlyList<Datapunk.Lake.Records.LakeRecord>> AllRecordsAsync()
    {
        var all = new List<Datapunk.Lake.Records.LakeRecord>();
        string? cursor = null;
        do
        {
            var page = await Lake.Records.QueryRecordsAsync(new Datapunk.Lake.Storage.RecordQuery { Limit = 1000, Cursor = cursor }, CancellationToken.None);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere only leaves a temporary folder behind.
        }

        return ValueTask.CompletedTask;
    }
}
