using Datapunk.Lake.Blobs;
using Datapunk.Lake.Ingestion;
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
    private Lake(LakeOptions options, IRecordStore records, IBlobStore blobs, FormatRegistry formats, OwnerControl control)
    {
        Control = control;
        Options = options;
        Records = records;
        Blobs = blobs;
        Formats = formats;
        Engine = new ImportEngine(records, blobs, formats, options.Limits);
    }

    public LakeOptions Options { get; }

    public IRecordStore Records { get; }

    public IBlobStore Blobs { get; }

    public FormatRegistry Formats { get; }

    public ImportEngine Engine { get; }

    /// <summary>Tokens, audit log, deletion, export, retention and integrity checks.</summary>
    public OwnerControl Control { get; }

    /// <summary>Opens the embedded store in the data directory, creating it and applying migrations as needed.</summary>
    public static async Task<Lake> OpenAsync(LakeOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var records = new SqliteRecordStore(options.DatabasePath);
        await records.MigrateAsync(cancellationToken);

        var (control, blobs) = await OwnerControl.OpenAsync(records, options, cancellationToken);
        return new Lake(options, records, blobs, KnownFormats.CreateRegistry(), control);
    }
}
