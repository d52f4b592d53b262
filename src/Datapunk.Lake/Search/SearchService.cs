using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Search;

/// <summary>
/// Runs searches over an <see cref="ISearchIndex"/>: parses queries, pages with cursors, embeds the query for
/// semantic search and merges rankings for hybrid search.
/// </summary>
public sealed class SearchService
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 200;

    /// <summary>
    /// How deep hybrid search reads each ranking. Results past this depth in both rankings are not found by
    /// hybrid search; use text or semantic mode to page further.
    /// </summary>
    public const int MaxHybridDepth = 1000;

    /// <summary>The constant k of reciprocal rank fusion: score = Σ 1 / (k + rank). 60 is the value of Cormack et al. (2009).</summary>
    public const int FusionK = 60;

    /// <summary>Query texts whose embeddings are kept; 256 vectors of 384 floats take about 0.4 MB.</summary>
    public const int QueryCacheCapacity = 256;

    private readonly ISearchIndex _index;
    private readonly Func<ITextEmbedder> _embedder;
    private readonly QueryEmbeddingCache _queryEmbeddings = new(QueryCacheCapacity);

    public SearchService(ISearchIndex index, Func<ITextEmbedder> embedder)
    {
        _index = index;
        _embedder = embedder;
    }

    public ISearchIndex Index => _index;

    /// <summary>Creates an indexer that embeds queued records with this service's model.</summary>
    public EmbeddingIndexer CreateIndexer() => new(_index, _embedder);

    /// <exception cref="InvalidSearchException">The query, limit or cursor is invalid.</exception>
    public async Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        CheckLimit(request.Limit);
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new InvalidSearchException("The query 'q' is empty. Type what you remember: some words, a \"phrase\" or a prefix such as walk*.");
        }

        FullTextQuery? text = null;
        if (request.Mode != SearchMode.Semantic)
        {
            text = FullTextQuery.TryParse(request.Query, out var error) ?? throw new InvalidSearchException(error!);
        }

        var fingerprint = Fingerprint("search", request.Mode.ToString(), request.Query, request.Filter);
        var offset = DecodeCursor(request.Cursor, fingerprint);

        return request.Mode switch
        {
            SearchMode.Text => await TextAsync(text!, request, offset, fingerprint, cancellationToken),
            SearchMode.Semantic => await SemanticAsync(request, offset, fingerprint, cancellationToken),
            _ => await HybridAsync(text!, request, offset, fingerprint, cancellationToken),
        };
    }

    /// <exception cref="InvalidSearchException">The area, limit or cursor is invalid.</exception>
    public async Task<PlacePage> SearchPlaceAsync(PlaceQuery query, int limit, string? cursor, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        var hasPoint = query.Latitude is not null && query.Longitude is not null;
        if (query.Latitude is null != query.Longitude is null)
        {
            throw new InvalidSearchException($"Missing '{(query.Latitude is null ? "lat" : "lon")}'. Give both 'lat' and 'lon', or neither.");
        }

        if (!hasPoint && query.Box is null)
        {
            throw new InvalidSearchException("Missing 'lat', 'lon' and 'radius', or 'bbox'. Give a point with a radius in metres (lat, lon, radius) or a bounding box (bbox=minLon,minLat,maxLon,maxLat).");
        }

        if (query.Latitude is < -90 or > 90)
        {
            throw new InvalidSearchException(string.Create(CultureInfo.InvariantCulture, $"Invalid 'lat' value {query.Latitude}. Use a latitude from -90 to 90."));
        }

        if (query.Longitude is < -180 or > 180)
        {
            throw new InvalidSearchException(string.Create(CultureInfo.InvariantCulture, $"Invalid 'lon' value {query.Longitude}. Use a longitude from -180 to 180."));
        }

        if (query.RadiusMeters is { } radius && (radius <= 0 || double.IsNaN(radius) || radius > 20_100_000))
        {
            throw new InvalidSearchException($"Invalid 'radius' value {radius.ToString(CultureInfo.InvariantCulture)}. Use metres, more than 0 and at most 20100000 (half the Earth's circumference).");
        }

        if (query.RadiusMeters is not null && !hasPoint)
        {
            throw new InvalidSearchException("Missing 'lat' and 'lon'. A radius needs a point.");
        }

        if (hasPoint && query.RadiusMeters is null && query.Box is null)
        {
            throw new InvalidSearchException("Missing 'radius' or 'bbox'. A point needs a radius in metres or a bounding box to limit the area.");
        }

        var sort = query.Sort == PlaceSort.Distance && !hasPoint ? PlaceSort.Time : query.Sort;
        query = query with { Sort = sort };
        var fingerprint = Fingerprint("place", string.Create(CultureInfo.InvariantCulture,
            $"{query.Latitude}|{query.Longitude}|{query.RadiusMeters}|{query.Box}|{query.Sort}"), "", query.Filter);
        var offset = DecodeCursor(cursor, fingerprint);

        var matches = await _index.MatchPlaceAsync(query, offset, limit + 1, cancellationToken);
        return new PlacePage(matches.Take(limit).ToList(), matches.Count > limit ? SearchCursor.Encode(offset + limit, fingerprint) : null);
    }

    /// <exception cref="InvalidSearchException">The limit or cursor is invalid.</exception>
    public async Task<TimelinePage> TimelineAsync(TimeInterval interval, SearchFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        CheckLimit(limit, TimelineMaxLimit);
        var fingerprint = Fingerprint("timeline", interval.ToString(), "", filter);
        var offset = DecodeCursor(cursor, fingerprint);
        var buckets = await _index.CountByPeriodAsync(interval, filter, offset, limit + 1, cancellationToken);
        return new TimelinePage(interval, buckets.Take(limit).ToList(), buckets.Count > limit ? SearchCursor.Encode(offset + limit, fingerprint) : null);
    }

    /// <summary>The most buckets in one timeline page: a year of days for every kind fits in a few pages.</summary>
    public const int TimelineMaxLimit = 5000;

    /// <exception cref="InvalidSearchException">The date, limit or cursor is invalid.</exception>
    public async Task<OnThisDayPage> OnThisDayAsync(int month, int day, SearchFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        CheckLimit(limit);

        // 2024 is a leap year, so 02-29 is accepted.
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2024, month))
        {
            throw new InvalidSearchException($"Invalid day {month:D2}-{day:D2}. Use a month and day that exist, such as 05-14 or 02-29.");
        }

        var fingerprint = Fingerprint("on-this-day", string.Create(CultureInfo.InvariantCulture, $"{month}-{day}"), "", filter);
        var offset = DecodeCursor(cursor, fingerprint);
        var records = await _index.OnThisDayAsync(month, day, filter, offset, limit + 1, cancellationToken);
        return new OnThisDayPage(month, day, records.Take(limit).ToList(), records.Count > limit ? SearchCursor.Encode(offset + limit, fingerprint) : null);
    }

    private async Task<SearchPage> TextAsync(FullTextQuery text, SearchRequest request, int offset, string fingerprint, CancellationToken cancellationToken)
    {
        var matches = await _index.MatchTextAsync(text, request.Filter, offset, request.Limit + 1, cancellationToken);
        var page = matches.Take(request.Limit).ToList();
        var keys = page.Select(m => m.Key).ToList();
        var records = await _index.GetRecordsAsync(keys, cancellationToken);
        var snippets = await _index.SnippetsAsync(text, keys, cancellationToken);

        var hits = page
            .Select((m, i) => (Match: m, Rank: offset + i + 1))
            .Where(x => records.ContainsKey(x.Match.Key))
            .Select(x => new SearchHit(records[x.Match.Key], x.Match.Score, snippets.GetValueOrDefault(x.Match.Key), x.Rank, null, null))
            .ToList();
        return new SearchPage(hits, matches.Count > request.Limit ? SearchCursor.Encode(offset + request.Limit, fingerprint) : null);
    }

    private async Task<SearchPage> SemanticAsync(SearchRequest request, int offset, string fingerprint, CancellationToken cancellationToken)
    {
        var vector = EmbedQuery(request.Query, cancellationToken);
        var matches = await _index.NearestAsync(vector, request.Filter, offset, request.Limit + 1, cancellationToken);
        var page = matches.Take(request.Limit).ToList();
        var records = await _index.GetRecordsAsync(page.Select(m => m.Key).ToList(), cancellationToken);

        var hits = page
            .Select((m, i) => (Match: m, Rank: offset + i + 1))
            .Where(x => records.ContainsKey(x.Match.Key))
            .Select(x => new SearchHit(records[x.Match.Key], x.Match.Similarity, null, null, x.Rank, x.Match.Similarity))
            .ToList();
        return new SearchPage(hits, matches.Count > request.Limit ? SearchCursor.Encode(offset + request.Limit, fingerprint) : null);
    }

    /// <summary>
    /// Reciprocal rank fusion: each ranking is read to the same depth, and a record scores 1 / (k + rank) for
    /// every ranking it appears in. Records found by both rise above records that only one ranking liked.
    /// </summary>
    private async Task<SearchPage> HybridAsync(FullTextQuery text, SearchRequest request, int offset, string fingerprint, CancellationToken cancellationToken)
    {
        // A fixed depth for the first pages keeps the fused order the same from page to page.
        var depth = Math.Min(MaxHybridDepth, Math.Max(100, offset + request.Limit + 1));
        var textMatches = await _index.MatchTextAsync(text, request.Filter, 0, depth, cancellationToken);
        var vector = EmbedQuery(request.Query, cancellationToken);
        var vectorMatches = await _index.NearestAsync(vector, request.Filter, 0, depth, cancellationToken);

        var fused = new Dictionary<long, (double Score, int? TextRank, int? SemanticRank, double? Similarity)>();
        for (var i = 0; i < textMatches.Count; i++)
        {
            fused[textMatches[i].Key] = (1.0 / (FusionK + i + 1), i + 1, null, null);
        }

        for (var i = 0; i < vectorMatches.Count; i++)
        {
            var key = vectorMatches[i].Key;
            var score = 1.0 / (FusionK + i + 1);
            fused[key] = fused.TryGetValue(key, out var existing)
                ? (existing.Score + score, existing.TextRank, i + 1, vectorMatches[i].Similarity)
                : (score, null, i + 1, vectorMatches[i].Similarity);
        }

        var ordered = fused.OrderByDescending(f => f.Value.Score).ThenBy(f => f.Key).ToList();
        var page = ordered.Skip(offset).Take(request.Limit).ToList();
        var keys = page.Select(p => p.Key).ToList();
        var records = await _index.GetRecordsAsync(keys, cancellationToken);
        var snippets = await _index.SnippetsAsync(text, keys, cancellationToken);

        var hits = page
            .Where(p => records.ContainsKey(p.Key))
            .Select(p => new SearchHit(records[p.Key], p.Value.Score, snippets.GetValueOrDefault(p.Key), p.Value.TextRank, p.Value.SemanticRank, p.Value.Similarity))
            .ToList();
        var more = ordered.Count > offset + request.Limit;
        return new SearchPage(hits, more ? SearchCursor.Encode(offset + request.Limit, fingerprint) : null);
    }

    private float[] EmbedQuery(string query, CancellationToken cancellationToken) =>
        _queryEmbeddings.GetOrEmbed(_embedder(), query, cancellationToken);

    private static void CheckLimit(int limit, int max = MaxLimit)
    {
        if (limit < 1 || limit > max)
        {
            throw new InvalidSearchException($"Invalid 'limit' value {limit}. Use a number from 1 to {max}.");
        }
    }

    private static int DecodeCursor(string? cursor, string fingerprint)
    {
        if (cursor is null)
        {
            return 0;
        }

        return SearchCursor.TryDecode(cursor, fingerprint, out var error) ?? throw new InvalidSearchException(error!);
    }

    private static string Fingerprint(string operation, string parameters, string query, SearchFilter filter)
    {
        var text = new StringBuilder();
        text.Append(operation).Append('\n').Append(parameters).Append('\n').Append(query).Append('\n');
        text.Append(filter.From?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(filter.To?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.AppendJoin(',', filter.Kinds).Append('\n').AppendJoin(',', filter.Datasets);
        return text.ToString();
    }
}
