using Datapunk.Lake.Ingestion.Json;

namespace Datapunk.Lake.Ingestion.Archives;

/// <summary>Guards against archives that expand to far more than they hold (archive bombs).</summary>
public sealed record ImportLimits
{
    /// <summary>The most bytes one file of an archive may expand to.</summary>
    public long MaxEntryBytes { get; init; } = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// The highest ratio of expanded to compressed size accepted for an entry. Google's JSON and HTML compress
    /// by less than 30 to 1; deflate cannot exceed about 1032 to 1, which is what bombs use.
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 100;

    /// <summary>The ratio is only checked once an entry has expanded past this many bytes, so small files never trip it.</summary>
    public long RatioCheckAfterBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// The largest single JSON value (one array item, or one string) an importer keeps in memory at once.
    /// A file with a larger value is reported as an error instead of exhausting memory.
    /// </summary>
    public int MaxJsonValueBytes { get; init; } = JsonStreamReader.DefaultMaxValueBytes;

    /// <summary>The most files one archive may hold.</summary>
    public int MaxEntries { get; init; } = 1_000_000;
}
