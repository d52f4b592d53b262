namespace Datapunk.Lake.Search;

/// <summary>A text, semantic or hybrid search.</summary>
public sealed record SearchRequest
{
    public required string Query { get; init; }

    public SearchMode Mode { get; init; } = SearchMode.Text;

    public SearchFilter Filter { get; init; } = new();

    public int Limit { get; init; } = 20;

    public string? Cursor { get; init; }
}
