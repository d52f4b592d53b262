using Datapunk.Lake.Search;

namespace Datapunk.Lake.Tests.Search;

/// <summary>
/// The candidate sets of the quantised index against a brute-force float32 ranking of the same fixed vectors
/// (seeded pseudo-random, 384 dimensions like all-MiniLM-L6-v2).
/// </summary>
public sealed class QuantizedVectorIndexTests
{
    private const int Dimensions = 384;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 21)]
    [InlineData(11, 100)]
    [InlineData(13, 1000)]
    public void Candidates_ContainExactTopK(int seed, int count)
    {
        var vectors = RandomVectors(seed, 3000);
        var index = Build(vectors);

        foreach (var query in RandomVectors(seed + 1000, 20).Values)
        {
            var candidates = index.FindCandidates(query, VectorFilter.None, count, CancellationToken.None).ToHashSet();

            var missing = ExactTop(vectors, query, count).Where(k => !candidates.Contains(k)).ToList();
            Assert.Empty(missing);
        }
    }

    [Fact]
    public void Candidates_AreFewerThanAllVectors()
    {
        var vectors = RandomVectors(3, 3000);
        var index = Build(vectors);
        var query = vectors[1234];

        var candidates = index.FindCandidates(query, VectorFilter.None, 21, CancellationToken.None);

        Assert.Contains(1234L, candidates);
        Assert.InRange(candidates.Count, 21, 300);
    }

    [Fact]
    public void Candidates_IncludeEveryTiedCopy()
    {
        // Copies of one vector under many keys tie exactly. The exact ranking orders them by key, so every copy
        // must reach the reranking whatever the count.
        var vectors = RandomVectors(5, 200);
        for (var copy = 0; copy < 50; copy++)
        {
            vectors[10_000 + copy] = vectors[17];
        }

        var index = Build(vectors);

        var candidates = index.FindCandidates(vectors[17], VectorFilter.None, 3, CancellationToken.None).ToHashSet();

        Assert.Contains(17L, candidates);
        Assert.All(Enumerable.Range(10_000, 50), key => Assert.Contains((long)key, candidates));
    }

    [Fact]
    public void Candidates_HonourKindDatasetAndTime()
    {
        var vectors = RandomVectors(9, 400);
        var index = new QuantizedVectorIndex(Dimensions);
        foreach (var (key, vector) in vectors)
        {
            index.Upsert(key, vector, startMs: key * 1000, kind: key % 2 == 0 ? "note" : "web-visit", dataset: key % 3 == 0 ? "a" : "b");
        }

        var filter = VectorFilter.Create(
            new SearchFilter { Kinds = ["note"], Datasets = ["a"], From = DateTimeOffset.FromUnixTimeMilliseconds(60_000), To = DateTimeOffset.FromUnixTimeMilliseconds(300_000) },
            scope: null);

        var candidates = index.FindCandidates(vectors[1], filter, 1000, CancellationToken.None).Order().ToList();

        var expected = vectors.Keys.Where(k => k % 2 == 0 && k % 3 == 0 && k >= 60 && k < 300).Order().ToList();
        Assert.Equal(expected, candidates);
    }

    [Fact]
    public void Candidates_HonourScopeAndFilterTogether()
    {
        var vectors = RandomVectors(10, 100);
        var index = new QuantizedVectorIndex(Dimensions);
        foreach (var (key, vector) in vectors)
        {
            index.Upsert(key, vector, startMs: key, kind: "note", dataset: key < 50 ? "a" : "b");
        }

        // The filter requests both datasets, but the token may read only "b".
        var scope = new Datapunk.Lake.Sovereignty.Access.AccessScope { Datasets = ["b"], To = DateTimeOffset.FromUnixTimeMilliseconds(80) };
        var filter = VectorFilter.Create(new SearchFilter { Datasets = ["a", "b"] }, scope);

        var candidates = index.FindCandidates(vectors[0], filter, 1000, CancellationToken.None).Order().ToList();

        Assert.Equal(Enumerable.Range(50, 30).Select(k => (long)k).ToList(), candidates);
    }

    [Fact]
    public void Candidates_UnknownKindMatchesNothing()
    {
        var vectors = RandomVectors(12, 50);
        var index = Build(vectors);

        var candidates = index.FindCandidates(vectors[0], VectorFilter.Create(new SearchFilter { Kinds = ["photo"] }, null), 10, CancellationToken.None);

        Assert.Empty(candidates);
    }

    [Fact]
    public void Remove_DropsVectorAndKeepsOthers()
    {
        var vectors = RandomVectors(4, 100);
        var index = Build(vectors);

        Assert.True(index.Remove(42));
        Assert.False(index.Remove(42));

        var candidates = index.FindCandidates(vectors[42], VectorFilter.None, 1000, CancellationToken.None).ToHashSet();
        Assert.Equal(99, index.Count);
        Assert.DoesNotContain(42L, candidates);
        Assert.Equal(99, candidates.Count);
    }

    [Fact]
    public void Remove_ShrinksArraysOfMostlyDeletedIndex()
    {
        var vectors = RandomVectors(6, 1000);
        var index = Build(vectors);
        var before = index.AllocatedBytes;

        foreach (var key in vectors.Keys.Where(k => k >= 100))
        {
            index.Remove(key);
        }

        Assert.Equal(100, index.Count);
        Assert.True(index.AllocatedBytes <= before / 4, $"{index.AllocatedBytes} bytes allocated after removing 90% of {before}");
        var missing = ExactTop(vectors.Where(v => v.Key < 100).ToDictionary(), vectors[5], 10)
            .Except(index.FindCandidates(vectors[5], VectorFilter.None, 10, CancellationToken.None));
        Assert.Empty(missing);
    }

    [Fact]
    public void TrimExcess_KeepsEighthForGrowth()
    {
        // 600 vectors grow the arrays to 1,024 slots by doubling.
        var vectors = RandomVectors(14, 600);
        var index = Build(vectors);

        index.TrimExcess();

        Assert.Equal(675 * (384 + 40), index.AllocatedBytes);
        Assert.Contains(599L, index.FindCandidates(vectors[599], VectorFilter.None, 1, CancellationToken.None));
    }

    [Fact]
    public void Upsert_ReplacesVectorOfSameKey()
    {
        var vectors = RandomVectors(8, 100);
        var index = Build(vectors);
        var replacement = RandomVectors(99, 1)[0];

        index.Upsert(7, replacement, 0, "note", "test");

        Assert.Equal(100, index.Count);
        Assert.Equal([7L], index.FindCandidates(replacement, VectorFilter.None, 1, CancellationToken.None).Where(k => k == 7));
    }

    [Fact]
    public void Upsert_RejectsOtherLength()
    {
        var index = new QuantizedVectorIndex(Dimensions);

        Assert.Throws<ArgumentException>(() => index.Upsert(1, new float[10], 0, "note", "test"));
    }

    [Fact]
    public void ZeroVector_IsCandidateOnlyWhenNeeded()
    {
        var vectors = RandomVectors(2, 50);
        vectors[500] = new float[Dimensions];
        var index = Build(vectors);

        var candidates = index.FindCandidates(vectors[0], VectorFilter.None, 51, CancellationToken.None);

        Assert.Contains(500L, candidates);
    }

    [Fact]
    public void DotInt8_MatchesScalarSum()
    {
        var random = new Random(1);
        var left = new sbyte[Dimensions + 5];
        var right = new short[Dimensions + 5];
        var expected = 0L;
        for (var j = 0; j < left.Length; j++)
        {
            left[j] = (sbyte)random.Next(-127, 128);
            right[j] = (short)random.Next(-32767, 32768);
            expected += left[j] * right[j];
        }

        Assert.Equal(expected, QuantizedVectorIndex.DotInt8(left, right));
    }

    /// <summary>Keys of the exact top <paramref name="count"/> by float32 dot product, plus every key tied with the last.</summary>
    internal static List<long> ExactTop(IReadOnlyDictionary<long, float[]> vectors, float[] query, int count)
    {
        var scored = vectors.Select(v => (Key: v.Key, Similarity: (double)VectorMath.Dot(query, v.Value)))
            .OrderByDescending(s => s.Similarity).ThenBy(s => s.Key).ToList();
        if (scored.Count <= count)
        {
            return scored.Select(s => s.Key).ToList();
        }

        var last = scored[count - 1].Similarity;
        return scored.Where(s => s.Similarity >= last).Select(s => s.Key).ToList();
    }

    /// <summary>Unit-length vectors with components drawn from a normal distribution, keyed 0..count-1.</summary>
    internal static Dictionary<long, float[]> RandomVectors(int seed, int count)
    {
        var random = new Random(seed);
        var vectors = new Dictionary<long, float[]>();
        for (var key = 0; key < count; key++)
        {
            var vector = new float[Dimensions];
            var norm = 0.0;
            for (var j = 0; j < Dimensions; j++)
            {
                // Box–Muller; a small shared offset makes similarities cluster the way sentence embeddings do.
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                vector[j] = (float)(gaussian + (j % 7 == 0 ? 1.5 : 0));
                norm += vector[j] * vector[j];
            }

            for (var j = 0; j < Dimensions; j++)
            {
                vector[j] = (float)(vector[j] / Math.Sqrt(norm));
            }

            vectors[key] = vector;
        }

        return vectors;
    }

    private static QuantizedVectorIndex Build(Dictionary<long, float[]> vectors)
    {
        var index = new QuantizedVectorIndex(Dimensions);
        foreach (var (key, vector) in vectors)
        {
            index.Upsert(key, vector, 0, "note", "test");
        }

        return index;
    }
}
