using System.CommandLine;
using System.Security.Cryptography;
using Datapunk.Lake.Sovereignty.Encryption;

namespace Datapunk.Lake.Server.Cli;

/// <summary>
/// <c>lake keys rotate</c>: replace the master key. Every data key, and every blob key not attributed to a dataset,
/// is re-wrapped under the new key in one transaction. Blob files and blob keys wrapped by data keys do not change.
/// The lake must be opened with the current key, as usual.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--new-key-file") { Description = "A file with the new key: 32 random bytes in base64 (openssl rand -base64 32)." };
        var variable = new Option<string>("--new-key-env") { Description = "The name of an environment variable that holds the new key in base64." };
        var passphrase = new Option<string>("--new-passphrase-env") { Description = "The name of an environment variable that holds the new passphrase (stretched with Argon2id)." };
        var rotate = new Command("rotate", "Re-wrap the data keys and unattributed blob keys under a new master key. Stop the server first.") { file, variable, passphrase };
        rotate.SetAction(async (result, cancellationToken) =>
        {
            var chosen = new[] { result.GetValue(file), result.GetValue(variable), result.GetValue(passphrase) }.Count(v => v is not null);
            if (chosen != 1)
            {
                Console.Error.WriteLine("Give exactly one of --new-key-file FILE, --new-key-env VARIABLE or --new-passphrase-env VARIABLE.");
                return 1;
            }

            MasterKey next;
            byte[]? salt = null;
            try
            {
                if (result.GetValue(file) is { } path)
                {
                    next = MasterKeySource.FromFile(path);
                }
                else if (result.GetValue(variable) is { } name)
                {
                    next = MasterKeySource.FromBase64(Environment.GetEnvironmentVariable(name) ?? "", name);
                }
                else
                {
                    var variableName = result.GetValue(passphrase)!;
                    if (Environment.GetEnvironmentVariable(variableName) is not { Length: > 0 } text)
                    {
                        Console.Error.WriteLine($"The environment variable {variableName} is empty or not set.");
                        return 1;
                    }

                    salt = RandomNumberGenerator.GetBytes(16);
                    next = new MasterKey(MasterKeySource.Stretch(text, salt), "passphrase");
                }
            }
            catch (InvalidOperationException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return 1;
            }

            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            var previousSource = ((EncryptedBlobStore)lake.Blobs).MasterKey.Source;
            int count;
            try
            {
                count = await lake.Control.RotateMasterKeyAsync(next, salt, LocalAudit.ActorId, cancellationToken);
            }
            catch (InvalidOperationException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return 1;
            }

            Console.WriteLine($"Re-wrapped {count} keys (data keys and blob keys of no dataset) under master key {next.Id} from {next.Source}.");

            // The old key must not stay beside the data: a lake that finds the default key file would try it first.
            var defaultFile = MasterKeySource.DefaultKeyFile(lake.Options.DataDirectory);
            if (string.Equals(previousSource, defaultFile, StringComparison.Ordinal)
                && !string.Equals(Path.GetFullPath(next.Source), Path.GetFullPath(defaultFile), StringComparison.Ordinal))
            {
                File.Delete(defaultFile);
                Console.WriteLine($"Deleted the old key file {defaultFile}.");
            }

            Console.WriteLine($"From now on, start the lake with {Describe(result.GetValue(file), result.GetValue(variable), result.GetValue(passphrase))}.");
            return 0;
        });

        return new Command("keys", "Manage the master key that wraps every data key.") { rotate };
    }

    private static string Describe(string? file, string? variable, string? passphrase) =>
        file is not null ? $"{MasterKeySource.KeyFileVariable}={file}"
        : variable is not null ? $"{MasterKeySource.KeyVariable} set to the value of {variable}"
        : $"{MasterKeySource.PassphraseVariable} set to the value of {passphrase}";
}
