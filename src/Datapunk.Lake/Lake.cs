using Datapunk.Lake.Blobs;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Search;
using Datapunk.Lake.Search.Sql;
using Datapunk.Lake.Search.Sqlite;
using Datapunk.Lake.Sovereignty;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake;

/// <summary>
/// One opened lake: the stores over a data directory, migrated and ready, and the import engine over them.
/// The CLI, the server and the tests all start here.
/// </summary>
public sealed class Lake
{
    private readonly Lazy<MiniLmEmbedder> _embedder = new(() => new MiniLmEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private Lake(LakeOptions options, IRecordStore records, IBlobStore blobs, FormatRegistry formats, ISearchIndex searchIndex, OwnerControl control)
    {
        Control = control;
        Options = options;
        Records = records;
        Blobs = blobs;
        Formats = formats;
        Engine = new ImportEngine(records, blobs, formats, options.Limits,
            (importId, cancellationToken) => control.DatasetKeys.AttributeImportsAsync(importId, cancellationToken));

        // The model loads on first use (about half a second and 90 MB), so commands that never search do not pay for it.
        Search = new SearchService(searchIndex, () => _embedder.Value);
        Sql = new ReadOnlySqlRunner(options.DatabasePath);
    }

    public LakeOptions Options { get; }

    public IRecordStore Records { get; }

    public IBlobStore Blobs { get; }

    public FormatRegistry Formats { get; }

    public ImportEngine Engine { get; }

    /// <summary>Text, semantic, place and time search, and the embedding queue.</summary>
    public SearchService Search { get; }

    /// <summary>Read-only SQL over the documented views.</summary>
    public ReadOnlySqlRunner Sql { get; }

    /// <summary>Tokens, audit log, deletion, export, retention and integrity checks.</summary>
    public OwnerControl Control { get; }

    /// <summary>Opens the embedded store in the data directory, creating it and applying migrations as needed.</summary>
    public static async Task<Lake> OpenAsync(LakeOptions options, CancellationToken cancellationToken)
    {
        // A new data directory is readable by the service's user only: it contains personal data and keys.
        if (!Directory.Exists(options.DataDirectory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(options.DataDirectory);
            }
            else
            {
                Directory.CreateDirectory(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var records = new SqliteRecordStore(options.DatabasePath);
        await records.MigrateAsync(cancellationToken);
        await records.FailAbandonedImportsAsync(IsProcessAlive, cancellationToken);

        var (control, blobs) = await OwnerControl.OpenAsync(records, options, cancellationToken);
        return new Lake(options, records, blobs, KnownFormats.CreateRegistry(), new SqliteSearchIndex(records), control);
    }

    private static bool IsProcessAlive(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
