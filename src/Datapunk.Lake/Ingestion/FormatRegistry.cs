namespace Datapunk.Lake.Ingestion;

/// <summary>The importers the lake knows, in the order they are asked whether they can read a file.</summary>
public sealed class FormatRegistry
{
    public FormatRegistry(IEnumerable<IFormatImporter> importers, IEnumerable<IImportPostPass>? postPasses = null)
    {
        Importers = importers.ToList();
        PostPasses = postPasses?.ToList() ?? [];
        var duplicate = Importers.GroupBy(i => i.Format, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two importers claim the format name '{duplicate.Key}'.", nameof(importers));
        }
    }

    public IReadOnlyList<IFormatImporter> Importers { get; }

    /// <summary>
    /// Every format an import reads, for <c>lake formats</c> and <c>/v1/formats</c>: the importers' formats, then
    /// the lake's own export archive, which the import engine restores instead of parsing.
    /// </summary>
    public IEnumerable<FormatInfo> Formats =>
        Importers.Select(i => new FormatInfo(i.Format, i.Version, i.Description, i.ExamplePath)).Append(LakeExport);

    private static FormatInfo LakeExport { get; } = new(
        Sovereignty.Export.ExportArchive.ImportFormat,
        Sovereignty.Export.ExportArchive.ManifestVersion,
        "A zip written by lake export: records come back with their ids after every entry's SHA-256 is checked.",
        "lake-export.zip (any name; recognised by manifest.json)");

    /// <summary>Passes run, in this order, after the last file of each import.</summary>
    public IReadOnlyList<IImportPostPass> PostPasses { get; }

    /// <summary>The first importer that recognises the file, or null.</summary>
    public IFormatImporter? Detect(FileSniff sniff)
    {
        foreach (var importer in Importers)
        {
            if (importer.CanRead(sniff))
            {
                return importer;
            }
        }

        return null;
    }
}

/// <summary>A format that an import reads: its stable name, version, one-line description and usual path.</summary>
public sealed record FormatInfo(string Format, int Version, string Description, string ExamplePath);
