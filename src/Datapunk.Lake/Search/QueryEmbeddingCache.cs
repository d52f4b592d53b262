namespace Datapunk.Lake.Search;

/// <summary>
/// The embeddings of the most recently searched query texts, least recently used out first, so that paging
/// through results or repeating a search does not run the model again.
/// </summary>
/// <remarks>
/// The model is deterministic, so a cached vector equals a fresh one for the same text and model. Entries hold
/// only query texts and their vectors, never record content, and live in memory only.
/// </remarks>
public sealed class QueryEmbeddingCache
{
    private readonly int _capacity;
    private readonly Dictionary<(string Model, string Query), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();

    public QueryEmbeddingCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Returns the cached vector for the text and model, or embeds it with <paramref name="embedder"/> and caches it.
    /// The returned array is shared between callers and must not be changed.
    /// </summary>
    public float[] GetOrEmbed(ITextEmbedder embedder, string query, CancellationToken cancellationToken)
    {
        var key = (embedder.Model, query);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Vector;
            }
        }

        // The model runs outside the lock; two callers may embed the same text at once, and the second store wins.
        var vector = embedder.Embed([query], cancellationToken)[0];
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }

            _entries[key] = _order.AddFirst(new Entry(key, vector));
            while (_entries.Count > _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
            }
        }

        return vector;
    }

    private sealed record Entry((string Model, string Query) Key, float[] Vector);
}
