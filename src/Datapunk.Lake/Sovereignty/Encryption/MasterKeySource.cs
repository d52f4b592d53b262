using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Sovereignty.Access;
using Konscious.Security.Cryptography;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// Finds the master key, in this order: <c>LAKE_MASTER_KEY</c> (32 bytes in base64), <c>LAKE_MASTER_KEY_FILE</c>
/// (a file with the key in base64), <c>LAKE_MASTER_PASSPHRASE</c> (stretched with Argon2id), else the file
/// <c>keys/master.key</c> in the data directory, created with a new random key on the first start of a new lake.
/// </summary>
public static class MasterKeySource
{
    public const string KeyVariable = "LAKE_MASTER_KEY";
    public const string KeyFileVariable = "LAKE_MASTER_KEY_FILE";
    public const string PassphraseVariable = "LAKE_MASTER_PASSPHRASE";

    /// <summary>Argon2id cost: 64 MiB of memory and 3 passes (the second recommended option of RFC 9106, section 4).</summary>
    private const int ArgonMemoryKiB = 64 * 1024;
    private const int ArgonIterations = 3;

    private const string KeyAdvice = "Use 32 random bytes in base64, such as the output of 'openssl rand -base64 32'.";

    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "keys", "master.key");

    /// <param name="passphraseSalt">Returns the lake's salt for the passphrase, creating it when absent.</param>
    /// <param name="createDefaultKey">
    /// Whether a missing <c>keys/master.key</c> is created. Only a new lake may create it: a new key file in an
    /// existing lake (whose key was rotated to a key kept elsewhere) would only fail as the wrong key.
    /// </param>
    /// <exception cref="InvalidSettingException">
    /// A key variable is not a valid key, the key file it names is missing or not valid, or no key is set for an
    /// existing lake.
    /// </exception>
    /// <exception cref="InvalidOperationException">The key file in the data directory is not valid.</exception>
    public static MasterKey Resolve(string dataDirectory, Func<byte[]> passphraseSalt, bool createDefaultKey = true, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;

        if (environment(KeyVariable) is { Length: > 0 } encoded)
        {
            var key = TryDecodeKey(encoded) ?? throw new InvalidSettingException(KeyVariable, value: null, KeyAdvice);
            return new MasterKey(key, KeyVariable);
        }

        if (environment(KeyFileVariable) is { Length: > 0 } file)
        {
            if (!File.Exists(file))
            {
                throw new InvalidSettingException(KeyFileVariable, file, "The file does not exist. Name the file that contains the lake's master key.");
            }

            var key = TryDecodeKey(File.ReadAllText(file).Trim())
                ?? throw new InvalidSettingException(KeyFileVariable, file, "The file does not contain a valid key. " + KeyAdvice);
            return new MasterKey(key, file);
        }

        if (environment(PassphraseVariable) is { Length: > 0 } passphrase)
        {
            return new MasterKey(Stretch(passphrase, passphraseSalt()), "passphrase");
        }

        var defaultFile = DefaultKeyFile(dataDirectory);
        if (!File.Exists(defaultFile) && !createDefaultKey)
        {
            throw InvalidSettingException.Missing(
                $"{KeyFileVariable}, {KeyVariable} or {PassphraseVariable}",
                $"No master key is configured for this existing lake: {defaultFile} does not exist and none of {KeyFileVariable}, {KeyVariable} or {PassphraseVariable} is set. Set one of them to the lake's key (after 'lake keys rotate', the new key).");
        }

        if (!File.Exists(defaultFile))
        {
            TokenService.WritePrivateFile(defaultFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKey.Length)) + "\n");
        }

        return new MasterKey(DecodeKey(File.ReadAllText(defaultFile).Trim(), defaultFile), defaultFile);
    }

    /// <summary>Reads a key (32 bytes in base64) from a file, for <c>lake keys rotate --new-key-file</c>.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or does not hold a valid key.</exception>
    public static MasterKey FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The key file '{path}' does not exist.");
        }

        return new MasterKey(DecodeKey(File.ReadAllText(path).Trim(), path), path);
    }

    /// <summary>Decodes a key given in base64 (such as the value of an environment variable named <paramref name="source"/>).</summary>
    /// <exception cref="InvalidOperationException">The value is not 32 bytes in base64.</exception>
    public static MasterKey FromBase64(string encoded, string source) => new(DecodeKey(encoded, source), source);

    /// <summary>Derives a 256-bit key from a passphrase with Argon2id (RFC 9106).</summary>
    public static byte[] Stretch(string passphrase, byte[] salt)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(passphrase))
        {
            Salt = salt,
            MemorySize = ArgonMemoryKiB,
            Iterations = ArgonIterations,
            DegreeOfParallelism = 1,
        };
        return argon.GetBytes(MasterKey.Length);
    }

    private static byte[] DecodeKey(string encoded, string source) =>
        TryDecodeKey(encoded) ?? throw new InvalidOperationException($"The master key from {source} is not valid: use 32 random bytes in base64, such as the output of 'openssl rand -base64 32'.");

    private static byte[]? TryDecodeKey(string encoded)
    {
        try
        {
            var key = Convert.FromBase64String(encoded);
            return key.Length == MasterKey.Length ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
