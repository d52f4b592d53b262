using System.Net;
using System.Text.Json.Serialization;
using Datapunk.Lake.Server.Access;
using Datapunk.Lake.Server.Apis;
using Datapunk.Lake.Server.Telemetry;
using Scalar.AspNetCore;

namespace Datapunk.Lake.Server.Hosting;

/// <summary>Composes the HTTP server over an opened lake.</summary>
public static class LakeServer
{
    /// <summary>Builds the server over <paramref name="lake"/>, with the install check as the first hosted service.</summary>
    /// <param name="configure">Runs last on the builder; tests use it to put in a test server.</param>
    /// <exception cref="InvalidSettingException">A setting in configuration or the environment is not valid.</exception>
    public static WebApplication Build(Lake lake, ServerOptions options, string[] args, Action<WebApplicationBuilder>? configure = null) =>
        Build(CreateBuilder(options, args, verifyInstallAtStart: true), lake, options, configure);

    /// <summary>
    /// Creates the builder and reads and validates every setting, without a lake, so that <c>lake serve</c> can
    /// reject a bad setting and check the install before it opens the data directory.
    /// </summary>
    /// <param name="verifyInstallAtStart">Whether the host verifies the install when it starts; false when the caller has done it.</param>
    /// <exception cref="InvalidSettingException">A setting in configuration or the environment is not valid.</exception>
    public static WebApplicationBuilder CreateBuilder(ServerOptions options, string[] args, bool verifyInstallAtStart)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            kestrel.ListenDevelopmentHttps(builder.Configuration, options.Host);
        });
        builder.AddLakeOperations(verifyInstallAtStart);
        return builder;
    }

    /// <summary>Adds the lake, the APIs and the background services to a builder from <see cref="CreateBuilder"/>.</summary>
    /// <param name="configure">Runs last on the builder; tests use it to put in a test server.</param>
    public static WebApplication Build(WebApplicationBuilder builder, Lake lake, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        builder.Services.AddSingleton(lake);
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ImportQueue>());
        if (options.EmbedInBackground)
        {
            builder.Services.AddHostedService<EmbeddingWorker>();
        }

        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddLakeAuthorization();
        builder.Services.AddHostedService<RetentionScheduler>();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<AccessMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapMetricsApi();
        app.MapImportsApi();
        app.MapRecordsApi();
        app.MapBlobsApi();
        app.MapDatasetsApi();
        app.MapFormatsApi();
        app.MapSearchApi();
        app.MapTimelineApi();
        app.MapSqlApi();

        // The OpenAPI document at /openapi/v1.json and an interactive page at /scalar. The page's script is
        // served from inside the Scalar.AspNetCore package and its web fonts are turned off, so it works offline.
        app.MapOpenApi();
        app.MapScalarApiReference(scalar => scalar.WithTitle("Datapunk Lake API").DisableDefaultFonts());
        app.MapTokensApi();
        app.MapAuditApi();
        app.MapExportsApi();
        app.MapDeletionApi();
        app.MapRetentionApi();
        return app;
    }
}
