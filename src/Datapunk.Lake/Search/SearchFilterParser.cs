using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Search;

/// <summary>Builds a <see cref="SearchFilter"/> from the text of API query parameters or CLI options.</summary>
public static class SearchFilterParser
{
    /// <summary>Returns the filter, or null with an error that names the bad parameter and the expected form.</summary>
    public static SearchFilter? TryParse(string? from, string? to, string? kind, string? dataset, out string? error)
    {
        // The record query parser checks times and lists the same way; its other parameters stay unset here.
        var query = RecordQueryParser.TryParse(from, to, kind, dataset, bbox: null, limit: null, cursor: null, out error);
        return query is null
            ? null
            : new SearchFilter { From = query.From, To = query.To, Kinds = query.Kinds, Datasets = query.Datasets };
    }
}
