using Datapunk.Lake.Sovereignty.Access;

namespace Datapunk.Lake.Search;

/// <summary>
/// A search filter and the current token's constraints, combined for <see cref="QuantizedVectorIndex"/>: the same
/// conditions that SQL applies to <c>records</c> (start time from inclusive, to exclusive, kind and dataset in each
/// non-empty list, compared ordinally as SQLite's BINARY collation does).
/// </summary>
public sealed class VectorFilter
{
    private readonly long _fromMs;
    private readonly long? _toMs;
    private readonly IReadOnlyList<string>[] _kindLists;
    private readonly IReadOnlyList<string>[] _datasetLists;

    private VectorFilter(long fromMs, long? toMs, IReadOnlyList<string>[] kindLists, IReadOnlyList<string>[] datasetLists)
    {
        _fromMs = fromMs;
        _toMs = toMs;
        _kindLists = kindLists;
        _datasetLists = datasetLists;
    }

    /// <summary>A filter that keeps every vector.</summary>
    public static VectorFilter None { get; } = new(long.MinValue, null, [], []);

    /// <summary>Combines a search filter with a token's constraints; a null scope is the local owner, who may read every record.</summary>
    public static VectorFilter Create(SearchFilter filter, AccessScope? scope)
    {
        var from = Max(filter.From, scope?.From);
        var to = Min(filter.To, scope?.To);
        var kinds = new[] { filter.Kinds, scope?.Kinds ?? [] }.Where(list => list.Count > 0).ToArray();
        var datasets = new[] { filter.Datasets, scope?.Datasets ?? [] }.Where(list => list.Count > 0).ToArray();
        return new VectorFilter(from?.ToUnixTimeMilliseconds() ?? long.MinValue, to?.ToUnixTimeMilliseconds(), kinds, datasets);
    }

    /// <summary>True when the filter sets no start-time limit.</summary>
    public bool IsTimeUnbounded => _fromMs == long.MinValue && _toMs is null;

    public bool Allows(long startMs) => startMs >= _fromMs && (_toMs is not { } to || startMs < to);

    /// <summary>Returns, for each kind id in <paramref name="ids"/>, whether the filter keeps it, or null when it keeps every kind.</summary>
    public bool[]? AllowedKinds(IReadOnlyDictionary<string, int> ids) => Allowed(ids, _kindLists);

    /// <summary>Returns, for each dataset id in <paramref name="ids"/>, whether the filter keeps it, or null when it keeps every dataset.</summary>
    public bool[]? AllowedDatasets(IReadOnlyDictionary<string, int> ids) => Allowed(ids, _datasetLists);

    private static bool[]? Allowed(IReadOnlyDictionary<string, int> ids, IReadOnlyList<string>[] lists)
    {
        if (lists.Length == 0)
        {
            return null;
        }

        var allowed = new bool[ids.Count];
        foreach (var (name, id) in ids)
        {
            allowed[id] = lists.All(list => list.Contains(name, StringComparer.Ordinal));
        }

        return allowed;
    }

    /// <summary>Returns the later of two optional times, or the one that is set.</summary>
    private static DateTimeOffset? Max(DateTimeOffset? left, DateTimeOffset? right)
    {
        if (left is null || right is null)
        {
            return left ?? right;
        }

        return left > right ? left : right;
    }

    /// <summary>Returns the earlier of two optional times, or the one that is set.</summary>
    private static DateTimeOffset? Min(DateTimeOffset? left, DateTimeOffset? right)
    {
        if (left is null || right is null)
        {
            return left ?? right;
        }

        return left < right ? left : right;
    }
}
