namespace Datapunk.Lake.Search;

/// <summary>The width of one timeline bucket.</summary>
public enum TimeInterval
{
    Day,

    /// <summary>An ISO 8601 week, from Monday to Sunday.</summary>
    Week,

    Month,
}
