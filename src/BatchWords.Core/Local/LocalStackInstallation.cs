namespace BatchWords;

/// <summary>
/// Where BatchWords keeps what it installs and runs for a user: $BATCHWORDS_HOME (default ~/.batchwords), with
/// Azurite as Install-BwLocalStack installs it in azurite/ and the running services' state in local/.
/// </summary>
internal static class LocalStackInstallation
{
    /// <summary>The folder Install-BwLocalStack runs 'npm ci' in, below BATCHWORDS_HOME.</summary>
    internal const string AzuriteFolderName = "azurite";

    /// <summary>The folder of the built module that holds the package.json and package-lock.json it installs from.</summary>
    internal const string ShippedFolderName = "localstack";

    public static string DefaultHome()
    {
        var home = Environment.GetEnvironmentVariable("BATCHWORDS_HOME");
        return string.IsNullOrEmpty(home)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".batchwords")
            : home;
    }

    public static string AzuriteDirectory(string home) => Path.Combine(home, AzuriteFolderName);

    public static string MainScriptPath(string home)
        => Path.Combine(AzuriteDirectory(home), "node_modules", "azurite", AzuriteLocator.MainScriptInPackage);
}
