using System.CommandLine;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Server.Cli;

internal static class FormatsCommand
{
    public static Command Create()
    {
        var command = new Command("formats", "List every recognised export format with an example path.");
        command.SetAction(_ =>
        {
            foreach (var importer in KnownFormats.CreateRegistry().Importers)
            {
                Console.WriteLine($"{importer.Format,-44} {importer.ExamplePath}");
                Console.WriteLine($"{"",-44} {importer.Description}");
            }

            return 0;
        });
        return command;
    }
}
