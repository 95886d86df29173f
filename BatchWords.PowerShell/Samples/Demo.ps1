<#
    The quick-start demo (build.ps1 -Task Demo): the tutorial on the local default, with the sample texts
    the module ships. Runs in pwsh and in the engine host alike (core cmdlets and .NET only).
#>
[CmdletBinding()]
param(
    # Input files; defaults to the module's own sample texts.
    [string[]] $Path
)
$ErrorActionPreference = 'Stop'
$module = Get-Module BatchWords
if (-not $Path) { $Path = [IO.Directory]::GetFiles([IO.Path]::Combine($module.ModuleBase, 'samples'), '*.txt') }
Invoke-BwTutorial -Path $Path -Confirm:$false
