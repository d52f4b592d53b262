using Datapunk.Lake.Search;

namespace Datapunk.Lake.Tests.Search;

public sealed class QueryEmbeddingCacheTests
{
    [Fact]
    public void RepeatedQuery_RunsModelOnce()
    {
        var embedder = new CountingEmbedder("model-a");
        var cache = new QueryEmbeddingCache(4);

        var first = cache.GetOrEmbed(embedder, "bicycle repair", CancellationToken.None);
        var second = cache.GetOrEmbed(embedder, "bicycle repair", CancellationToken.None);

        Assert.Equal(1, embedder.Calls);
        Assert.Same(first, second);
    }

    [Fact]
    public void OtherModel_RunsModelAgain()
    {
        var cache = new QueryEmbeddingCache(4);
        cache.GetOrEmbed(new CountingEmbedder("model-a"), "bicycle repair", CancellationToken.None);
        var other = new CountingEmbedder("model-b");

        cache.GetOrEmbed(other, "bicycle repair", CancellationToken.None);

        Assert.Equal(1, other.Calls);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Capacity_EvictsLeastRecentlyUsed()
    {
        var embedder = new CountingEmbedder("model-a");
        var cache = new QueryEmbeddingCache(2);
        cache.GetOrEmbed(embedder, "one", CancellationToken.None);
        cache.GetOrEmbed(embedder, "two", CancellationToken.None);
        cache.GetOrEmbed(embedder, "one", CancellationToken.None);

        cache.GetOrEmbed(embedder, "three", CancellationToken.None);
        cache.GetOrEmbed(embedder, "one", CancellationToken.None);
        cache.GetOrEmbed(embedder, "two", CancellationToken.None);

        Assert.Equal(2, cache.Count);
        Assert.Equal(["one", "two", "three", "two"], embedder.Texts);
    }

    /// <summary>Returns a vector made from the text's length and records every text it embeds.</summary>
    private sealed class CountingEmbedder(string model) : ITextEmbedder
    {
        public List<string> Texts { get; } = [];

        public int Calls => Texts.Count;

        public string Model => model;

        public int Dimensions => 2;

        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Texts.AddRange(texts);
            return texts.Select(t => new float[] { t.Length, 1 }).ToArray();
        }
    }
}
