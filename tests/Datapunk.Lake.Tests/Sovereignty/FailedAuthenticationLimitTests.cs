using System.Net;
using System.Text.Json;
using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>The failed-authentication limit through the real server: status, Retry-After and body of the 429.</summary>
public sealed class FailedAuthenticationLimitTests : IAsyncLifetime
{
    /// <summary>The members RFC 9457 defines, and the trace id that ASP.NET Core adds.</summary>
    private static readonly string[] ProblemMembers = ["type", "title", "status", "detail", "instance", "traceId"];

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 22, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(builder => builder.Services.AddSingleton(new FailedAuthenticationLimiter(_clock)));
        await OwnerFixtures.ImportAsync(_app.Lake, "owner", OwnerFixtures.SecretRecordsJson);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FailuresUpToLimit_Get401()
    {
        var statuses = await FailAsync(FailedAuthenticationLimiter.MaxFailures);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
    }

    [Fact]
    public async Task LimitReached_ValidTokenGets429()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);

        using var response = await _app.Client.GetAsync("/v1/records");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Fact]
    public async Task LimitReached_RetryAfterIsWholeSeconds()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);

        using var response = await _app.Client.GetAsync("/v1/records");

        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), "The 429 has no Retry-After header.");
        var value = Assert.Single(values);
        Assert.Matches("^[0-9]+$", value);
        Assert.InRange(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), 1, (int)FailedAuthenticationLimiter.Window.TotalSeconds);
    }

    [Fact]
    public async Task RetryAfter_CountsDownWithWindow()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);
        _clock.Advance(TimeSpan.FromSeconds(45.5));

        using var response = await _app.Client.GetAsync("/v1/records");

        // 14.5 s of the 60 s window are left. The header rounds up, so a client never retries too early.
        Assert.Equal(TimeSpan.FromSeconds(15), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task RetryAfter_AlsoOnAnonymousRequest()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);
        using var client = _app.AnonymousClient();

        using var response = await client.GetAsync("/v1/datasets");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task LimitReached_BodyIsProblemWithoutData()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);

        using var response = await _app.Client.GetAsync("/v1/records");
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Too many failed authentications", body.RootElement.GetProperty("title").GetString());
        Assert.All(body.RootElement.EnumerateObject(), property => Assert.Contains(property.Name, ProblemMembers));
        Assert.DoesNotContain(OwnerFixtures.SecretText, text, StringComparison.Ordinal);
        Assert.DoesNotContain(OwnerFixtures.OwnerDataset, text, StringComparison.Ordinal);
        Assert.DoesNotContain("47.123", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WindowOver_ValidTokenGets200()
    {
        await FailAsync(FailedAuthenticationLimiter.MaxFailures);
        _clock.Advance(FailedAuthenticationLimiter.Window);

        using var response = await _app.Client.GetAsync("/v1/records");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<HttpStatusCode>> FailAsync(int count)
    {
        using var bad = _app.ClientWith("dpl_0123456789abcdef_wrong");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await bad.GetAsync("/v1/records");
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    /// <summary>A clock that moves only when the test advances it.</summary>
    private sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan delta) => _now += delta;
    }
}
