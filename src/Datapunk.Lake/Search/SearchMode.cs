namespace Datapunk.Lake.Search;

public enum SearchMode
{
    /// <summary>Full-text search over titles, text and URLs, ranked by BM25.</summary>
    Text,

    /// <summary>Nearest records by cosine similarity of sentence embeddings.</summary>
    Semantic,

    /// <summary>Both rankings merged by reciprocal rank fusion.</summary>
    Hybrid,
}
