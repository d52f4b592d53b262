using System.Collections.Concurrent;
using System.Net;

namespace Datapunk.Lake.Server.Access;

/// <summary>
/// Counts failed authentications per client address in a fixed window. Once an address has failed
/// <see cref="MaxFailures"/> times in a window, every request from it is rejected with 429 until the window ends,
/// without checking its token, so secrets cannot be guessed at speed.
/// </summary>
public sealed class FailedAuthenticationLimiter
{
    public const int MaxFailures = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Failures)> _failures = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public FailedAuthenticationLimiter(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Returns how long the address must wait, or null when it may try.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        var now = _time.GetUtcNow();
        if (!_failures.TryGetValue(Key(address), out var entry) || now - entry.Start >= Window || entry.Failures < MaxFailures)
        {
            return null;
        }

        return entry.Start + Window - now;
    }

    public void RecordFailure(IPAddress? address)
    {
        var now = _time.GetUtcNow();
        _failures.AddOrUpdate(Key(address), (now, 1), (_, entry) => now - entry.Start >= Window ? (now, 1) : (entry.Start, entry.Failures + 1));

        // Old windows are dropped now and then, so the table cannot grow with every address ever seen.
        if (_failures.Count > 10_000)
        {
            foreach (var (key, entry) in _failures)
            {
                if (now - entry.Start >= Window)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
