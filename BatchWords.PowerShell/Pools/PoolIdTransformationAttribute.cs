using System.Management.Automation;

namespace BatchWords.PowerShell;

/// <summary>
/// Lets -Pool take a BwPool (from New-BwPool or Get-BwPool) or a plain pool id, so
/// <c>Start-BwJob -Pool (New-BwPool -Id words)</c> and <c>Start-BwJob -Pool words</c> both work.
/// </summary>
internal sealed class PoolIdTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            BwPool pool => pool.Id,
            string id => id,
            _ => throw new ArgumentTransformationMetadataException(
                $"-Pool takes a pool id or a BwPool object (from New-BwPool or Get-BwPool), not a {value?.GetType().Name ?? "null"}."),
        };
    }
}
