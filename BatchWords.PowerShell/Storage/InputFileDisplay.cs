using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Keeps BwInputFile.ReadSasUri (a secret) out of every default display, not only out of the table view.
/// When Out-Default meets an object whose type differs from the one that started the output (a script that
/// prints a container, then its input files), it formats the newcomer "out of band" as a list of its
/// DefaultDisplayPropertySet, or of EVERY property when there is none. Each emitted BwInputFile therefore
/// carries a PSStandardMembers set naming the safe properties; Format-List * and $file.ReadSasUri still work.
/// </summary>
internal static class InputFileDisplay
{
    private static readonly string[] SafeProperties =
        { "Container", "BlobName", "Path", "Length", "ContentMd5", "Status", "BlobUri", "SasExpiresOn" };

    public static PSObject Wrap(BwInputFile file)
    {
        var wrapped = PSObject.AsPSObject(file);
        wrapped.Members.Add(new PSMemberSet("PSStandardMembers", new PSMemberInfo[]
        {
            new PSPropertySet("DefaultDisplayPropertySet", SafeProperties),
        }));
        return wrapped;
    }
}
