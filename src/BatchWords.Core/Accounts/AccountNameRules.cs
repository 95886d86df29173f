using System.Text.RegularExpressions;

namespace BatchWords;

/// <summary>Syntax checks on account names and keys, done before any request so mistakes fail clearly and early.</summary>
internal static partial class AccountNameRules
{
    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex StorageAccountName();

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex BatchAccountName();

    public static void ValidateStorageAccountName(string name)
    {
        if (!StorageAccountName().IsMatch(name))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidStorageAccountName",
                $"'{name}' is not a valid storage account name: it must be 3 to 24 lowercase letters and digits.", name,
                "Use the account name as shown in the Azure portal (lowercase, no dots or hyphens).");
    }

    public static void ValidateBatchAccountName(string name)
    {
        if (!BatchAccountName().IsMatch(name))
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidBatchAccountName",
                $"'{name}' is not a valid Batch account name: it must be 3 to 24 lowercase letters and digits.", name,
                "Use the Batch account name as shown in the Azure portal.");
    }

    /// <summary>An account key must be base64; the error names the account, never the key.</summary>
    public static void ValidateKey(string key, string what, string accountName)
    {
        var buffer = new byte[key.Length];
        if (key.Length == 0 || !Convert.TryFromBase64String(key, buffer, out var written) || written == 0)
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidAccountKey",
                $"The {what} key given for '{accountName}' is not valid base64.", accountName,
                $"Copy the {what} account key again (Azure portal, Access keys); it is a base64 string ending in '='.");
    }
}
