namespace Datapunk.Lake.Search;

/// <summary>Embeds the records that wait in the embedding queue, one batch per transaction.</summary>
public sealed class EmbeddingIndexer
{
    /// <summary>Texts per model call. 32 short texts take about 0.1 s on one core with MiniLM.</summary>
    public const int DefaultBatchSize = 32;

    private readonly ISearchIndex _index;
    private readonly Func<ITextEmbedder> _embedder;

    /// <param name="embedder">Called only when there is work, so an idle lake never loads the model.</param>
    public EmbeddingIndexer(ISearchIndex index, Func<ITextEmbedder> embedder)
    {
        _index = index;
        _embedder = embedder;
    }

    /// <summary>
    /// Embeds batches until the queue is empty or <paramref name="cancellationToken"/> fires, and returns the
    /// number of records embedded. A cancelled run keeps every batch it finished.
    /// </summary>
    public async Task<long> RunAsync(int batchSize, IProgress<long>? progress, CancellationToken cancellationToken, long limit = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 0);
        long done = 0;
        while (done < limit && !cancellationToken.IsCancellationRequested)
        {
            var pending = await _index.PendingEmbeddingsAsync((int)Math.Min(batchSize, limit - done), cancellationToken);
            if (pending.Count == 0)
            {
                break;
            }

            var embedder = _embedder();
            var vectors = await Task.Run(() => embedder.Embed(pending.Select(p => p.Text).ToList(), cancellationToken), cancellationToken);
            var batch = pending.Select((p, i) => (p.Key, vectors[i])).ToList();
            await _index.StoreEmbeddingsAsync(embedder.Model, batch, cancellationToken);

            done += batch.Count;
            progress?.Report(done);
        }

        return done;
    }
}
