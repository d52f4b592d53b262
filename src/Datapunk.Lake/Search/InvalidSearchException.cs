namespace Datapunk.Lake.Search;

/// <summary>A search request that cannot run as given; the message names the bad value and the fix.</summary>
public sealed class InvalidSearchException(string message) : Exception(message);
