namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>The names that make up a lake export archive, shared by the writer and the importer.</summary>
public static class ExportArchive
{
    /// <summary>The value of <c>format</c> in <c>manifest.json</c> that marks a zip as a lake export.</summary>
    public const string ManifestFormat = "datapunk-lake-export";

    /// <summary>The highest manifest <c>version</c> this build reads and the one it writes.</summary>
    public const int ManifestVersion = 1;

    public const string ManifestEntry = "manifest.json";

    public const string RecordsEntry = "records.ndjson";

    public const string DatasetsEntry = "datasets.json";

    public const string ImportsEntry = "imports.json";

    /// <summary>The folder of originals: each file is at <c>originals/SHA256/PATH</c>.</summary>
    public const string OriginalsFolder = "originals/";

    /// <summary>The format name of a restored export in import reports and in the record of parsed files.</summary>
    public const string ImportFormat = "datapunk-lake.export";

    /// <summary>
    /// The format name reported for an original restored from an export. It is not null, so passes over unparsed
    /// files (such as the Google Photos media linker) leave the file alone: its records come from records.ndjson.
    /// </summary>
    public const string OriginalFormat = "datapunk-lake.export.original";
}
