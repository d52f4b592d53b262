using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List datasets with their record counts and time spans.");
        command.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            foreach (var dataset in await lake.Records.ListDatasetsAsync(cancellationToken))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{dataset.Name,-50} {dataset.RecordCount,10:N0}  {dataset.First:yyyy-MM-dd} .. {dataset.Last:yyyy-MM-dd}"));
            }

            return 0;
        });
        return command;
    }
}
