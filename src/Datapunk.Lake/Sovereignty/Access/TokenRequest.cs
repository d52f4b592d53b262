namespace Datapunk.Lake.Sovereignty.Access;

/// <summary>What a new token may do. Empty lists mean no constraint.</summary>
public sealed record TokenRequest(
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string>? Datasets = null,
    IReadOnlyList<string>? Kinds = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    TimeSpan? ExpiresIn = null);

/// <summary>A token just created: <see cref="Secret"/> is shown this once and never stored.</summary>
public sealed record CreatedToken(AccessToken Token, string Secret);
