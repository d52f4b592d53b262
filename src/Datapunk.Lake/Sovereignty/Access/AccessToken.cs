namespace Datapunk.Lake.Sovereignty.Access;

/// <summary>A stored token as listed: everything but the secret, of which only a hash is kept.</summary>
public sealed record AccessToken(
    string Id,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Datasets,
    IReadOnlyList<string> Kinds,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    bool IsOwner)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public AccessScope ToScope() => new()
    {
        TokenId = Id,
        Scopes = Scopes,
        Datasets = Datasets,
        Kinds = Kinds,
        From = From,
        To = To,
    };
}
