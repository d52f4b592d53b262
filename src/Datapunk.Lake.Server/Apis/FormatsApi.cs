using Datapunk.Lake.Server.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Datapunk.Lake.Server.Apis;

public static class FormatsApi
{
    public static IEndpointRouteBuilder MapFormatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/formats", (Lake lake) => TypedResults.Ok(new FormatList(
            lake.Formats.Formats.Select(f => new FormatView(f.Format, f.Version, f.Description, f.ExamplePath)).ToList())))
            .FiltersByTokenScope();
        return app;
    }
}

public sealed record FormatList(IReadOnlyList<FormatView> Items);

public sealed record FormatView(string Format, int Version, string Description, string ExamplePath);
