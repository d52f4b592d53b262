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
