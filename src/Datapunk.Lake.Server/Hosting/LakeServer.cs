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
    /// <param name="configure">Runs last on the builder; tests use it to put in a test server.</param>
    public static WebApplication Build(Lake lake, ServerOptions options, string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            kestrel.ListenDevelopmentHttps(builder.Configuration, options.Host);
        });
        builder.AddLakeOperations();

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
