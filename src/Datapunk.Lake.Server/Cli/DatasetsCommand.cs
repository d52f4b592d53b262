using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List datasets with their record counts and time spans.");
        LocalAudit.SetAction(command, "GET /v1/datasets", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var datasets = await lake.Records.ListDatasetsAsync(cancellationToken);
            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{datasets.Count} datasets");
            foreach (var dataset in datasets)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{dataset.Name,-50} {dataset.RecordCount,10:N0}  {dataset.First:yyyy-MM-dd} .. {dataset.Last:yyyy-MM-dd}"));
            }

            return 0;
        });
        return command;
    }
}
