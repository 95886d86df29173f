namespace BatchWords.PowerShell;

/// <summary>
/// The project's one web address. Each cmdlet's HelpUri (what Get-Help -Online opens) is a section of the README
/// there; BatchWords.psd1 names the same address as ProjectUri (a Pester test checks they agree).
/// </summary>
internal static class ProjectLinks
{
    public const string Project = "https://github.com/batchwords/BatchWords";

    // Sections of the README are linked as Project + "#heading-slug" (GitHub renders the README at that address).
}
