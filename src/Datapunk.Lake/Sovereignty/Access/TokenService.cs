using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Access;

/// <summary>
/// Creates, lists, revokes and checks bearer tokens. A token reads <c>dpl_ID_SECRET</c>: the id finds the row,
/// and the SHA-256 of the whole token must match the stored hash. The secret is 256 random bits, so a plain
/// hash is enough (no password stretching), and the secret itself is never stored.
/// </summary>
public sealed class TokenService
{
    public const string Prefix = "dpl_";

    /// <summary>File in the data directory that receives the owner token on the first start.</summary>
    public const string OwnerTokenFileName = "owner-token";

    private readonly SqliteRecordStore _store;
    private readonly TimeProvider _time;

    public TokenService(SqliteRecordStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <exception cref="ArgumentException">The request names no scope, an unknown scope, an empty name or an empty time range.</exception>
    public Task<CreatedToken> CreateAsync(TokenRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Create(request, isOwner: false));

    /// <summary>
    /// Creates the owner token (admin, no constraints) when the lake has none, and writes it to
    /// <paramref name="path"/> readable only by the current user. Returns false when an owner token already exists.
    /// </summary>
    public bool EnsureOwnerToken(string path)
    {
        using (var connection = _store.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT 1 FROM access_tokens WHERE is_owner = 1 LIMIT 1";
            if (command.ExecuteScalar() is not null)
            {
                return false;
            }
        }

        var created = Create(new TokenRequest("owner", [TokenScopes.Admin]), isOwner: true);
        WritePrivateFile(path, created.Secret + "\n");
        return true;
    }

    public Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM access_tokens ORDER BY created_ms, id";
        using var reader = command.ExecuteReader();
        var tokens = new List<AccessToken>();
        while (reader.Read())
        {
            tokens.Add(Read(reader));
        }

        return Task.FromResult<IReadOnlyList<AccessToken>>(tokens);
    }

    public Task<AccessToken?> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM access_tokens WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? Read(reader) : null);
    }

    /// <summary>Revokes a token at once. Returns false when no active token has that id.</summary>
    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE access_tokens SET revoked_ms = $now WHERE id = $id AND revoked_ms IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        return Task.FromResult(command.ExecuteNonQuery() == 1);
    }

    /// <summary>Returns the active token that <paramref name="presented"/> is the secret of, or null.</summary>
    public AccessToken? Authenticate(string presented)
    {
        if (!TryParseId(presented, out var id))
        {
            return null;
        }

        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, secret_sha256 FROM access_tokens WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var stored = (byte[])reader["secret_sha256"];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(stored, hash))
        {
            return null;
        }

        var token = Read(reader);
        return token.IsActive(_time.GetUtcNow()) ? token : null;
    }

    /// <summary>Parses a duration such as <c>30d</c>, <c>12h</c> or <c>45m</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        TimeSpan? parsed = text[^1] switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => null,
        };
        duration = parsed ?? default;
        return parsed is not null;
    }

    private CreatedToken Create(TokenRequest request, bool isOwner)
    {
        Validate(request);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Prefix + id + "_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = _time.GetUtcNow();
        var created = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        DateTimeOffset? expires = request.ExpiresIn is { } lifetime ? created + lifetime : null;

        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO access_tokens (id, name, secret_sha256, scopes, datasets, kinds, from_ms, to_ms, created_ms, expires_ms, is_owner)
            VALUES ($id, $name, $hash, $scopes, $datasets, $kinds, $from, $to, $created, $expires, $owner)
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", request.Name);
        command.Parameters.AddWithValue("$hash", SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        command.Parameters.AddWithValue("$scopes", string.Join(',', request.Scopes.Distinct(StringComparer.Ordinal)));
        command.Parameters.AddWithValue("$datasets", Joined(request.Datasets));
        command.Parameters.AddWithValue("$kinds", Joined(request.Kinds));
        command.Parameters.AddWithValue("$from", (object?)request.From?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$to", (object?)request.To?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", created.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", (object?)expires?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$owner", isOwner ? 1 : 0);
        command.ExecuteNonQuery();

        var token = new AccessToken(id, request.Name, request.Scopes.Distinct(StringComparer.Ordinal).ToList(), request.Datasets ?? [], request.Kinds ?? [],
            request.From, request.To, created, expires, null, isOwner);
        return new CreatedToken(token, secret);
    }

    private static void Validate(TokenRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            throw new ArgumentException("A token needs a name of 1 to 100 characters, such as the app that will use it.", nameof(request));
        }

        if (request.Scopes.Count == 0)
        {
            throw new ArgumentException($"A token needs at least one scope: {string.Join(", ", TokenScopes.All)}.", nameof(request));
        }

        foreach (var scope in request.Scopes)
        {
            if (!TokenScopes.IsKnown(scope))
            {
                throw new ArgumentException($"Unknown scope '{scope}'. Use one of: {string.Join(", ", TokenScopes.All)}.", nameof(request));
            }
        }

        if (request.From is { } from && request.To is { } to && from >= to)
        {
            throw new ArgumentException($"The time range is empty: from {from:O} is not before to {to:O}.", nameof(request));
        }

        if (request.Datasets?.Any(string.IsNullOrWhiteSpace) == true || request.Kinds?.Any(string.IsNullOrWhiteSpace) == true)
        {
            throw new ArgumentException("A dataset or kind constraint is empty. Pass names such as google/location-history/owner or location.", nameof(request));
        }
    }

    private static bool TryParseId(string presented, out string id)
    {
        id = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length < Prefix.Length + 17 || presented[Prefix.Length + 16] != '_')
        {
            return false;
        }

        id = presented.Substring(Prefix.Length, 16);
        return true;
    }

    private static object Joined(IReadOnlyList<string>? values) =>
        values is null || values.Count == 0 ? DBNull.Value : string.Join('\n', values);

    private static IReadOnlyList<string> Split(SqliteDataReader reader, int ordinal, char separator) =>
        reader.IsDBNull(ordinal) ? [] : reader.GetString(ordinal).Split(separator);

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private const string Columns = "id, name, scopes, datasets, kinds, from_ms, to_ms, created_ms, expires_ms, revoked_ms, is_owner";

    private static AccessToken Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Split(reader, 2, ','),
        Split(reader, 3, '\n'),
        Split(reader, 4, '\n'),
        Time(reader, 5),
        Time(reader, 6),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        Time(reader, 8),
        Time(reader, 9),
        reader.GetInt64(10) == 1);

    /// <summary>Writes a file that only the current user can read (mode 0600 on Unix), replacing any old one.</summary>
    internal static void WritePrivateFile(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only when the file is new; an old file keeps its mode unless it is set here.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
