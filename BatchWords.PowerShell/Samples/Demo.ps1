<#
    The quick-start demo (build.ps1 -Task Demo): the tutorial on the local default, with the sample texts
    the module ships.
#>
[CmdletBinding()]
param(
    # Input files; defaults to the module's own sample texts.
    [string[]] $Path
)
$ErrorActionPreference = 'Stop'
$module = Get-Module BatchWords
if (-not $Path) { $Path = (Get-ChildItem (Join-Path $module.ModuleBase 'samples') -Filter '*.txt').FullName }
Invoke-BwTutorial -Path $Path -Confirm:$false
