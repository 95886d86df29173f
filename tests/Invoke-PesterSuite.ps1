#Requires -Version 7.4
<#
.SYNOPSIS
    Runs one Pester suite (*.Tests.ps1) in this process and writes its results; build.ps1 -Task Test starts
    one fresh pwsh per suite with it.

.DESCRIPTION
    A process per suite keeps the suites apart (each imports the module, starts a local stack of its own and
    may load assemblies such as an older Azure.Core that cannot be unloaded), and lets the build kill a suite
    that hangs and name it. Pester is imported from the path the build restored from NuGet (never a gallery).

    Writes <OutputDirectory>/<suite>.xml (NUnit XML, for CI systems) and <suite>.summary.json with the
    counts build.ps1 adds up. Exits 0 when no test and no container (BeforeAll, discovery) failed.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $OutputDirectory,
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    [string[]] $FullName
)
$ErrorActionPreference = 'Stop'
if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module $PesterManifest -Force

$suite = [IO.Path]::GetFileNameWithoutExtension($Path) -replace '\.Tests$', ''
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $OutputDirectory "$suite.xml"
$configuration.TestResult.TestSuiteName = $suite
# 'pwsh -File' passes a list as one comma-separated string.
if ($Tag) { $configuration.Filter.Tag = @($Tag -split ',') }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = @($ExcludeTag -split ',') }
if ($FullName) { $configuration.Filter.FullName = $FullName }

$result = Invoke-Pester -Configuration $configuration

# A container that failed outside any test (BeforeAll, discovery) fails the run even when no test did.
$summary = [ordered]@{
    Suite            = $suite
    Passed           = $result.PassedCount
    Failed           = $result.FailedCount
    # Tests a -Tag filter left out are not run, not skipped: they are not counted.
    Skipped          = $result.SkippedCount
    FailedContainers = $result.FailedContainersCount
    FailedBlocks     = $result.FailedBlocksCount
}
$summary | ConvertTo-Json | Set-Content -Path (Join-Path $OutputDirectory "$suite.summary.json") -Encoding utf8NoBOM
exit ([int] ($result.FailedCount + $result.FailedContainersCount + $result.FailedBlocksCount -gt 0))
