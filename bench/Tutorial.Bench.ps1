<#
    Times the whole tutorial on the local default (build.ps1 -Task Bench runs it after the worker bench).

    Each run is a fresh engine process, as a user's `pwsh -c Invoke-BwTutorial` would be, against local
    services of its own (BATCHWORDS_HOME under -OutDirectory, so a developer's running services are neither
    reused nor stopped):
      - cold: the first run, which also starts Azurite and the Batch emulator;
      - warm: the next -Runs runs, with the services running (the README's "from a warm build" figure);
      - baseline, in the same run: a process that only imports the module and connects (the fixed cost of
        an engine process and the module, which no tutorial change can remove).
    The original tutorial's 5 to 7 minutes on Azure (../shared/reference/anchors.md) cannot be measured
    here; the ratio to its lower bound is printed beside the measured figures, labelled as such.

#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $OutDirectory,
    [ValidateRange(1, 50)] [int] $Runs = 5
)
$ErrorActionPreference = 'Stop'

# The original sample's documented duration on Azure, in seconds (lower bound of "5 to 7 minutes").
$OriginalSeconds = 300
$Manifest = [IO.Path]::Combine([IO.Path]::GetFullPath($ModuleDir), 'BatchWords.psd1')
if (-not (Test-Path $Manifest)) { throw "The built module is not at '$Manifest': run build.ps1 -Task Build first." }
$OutDirectory = [IO.Path]::GetFullPath($OutDirectory)
$BenchHome = Join-Path $OutDirectory 'home'
if (Test-Path $OutDirectory) { Remove-Item $OutDirectory -Recurse -Force }
$null = New-Item -ItemType Directory -Path $BenchHome

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

function Invoke-Child([string] $label, [string] $script) {
    $run = Invoke-BenchChild -Label $label -Script $script -Manifest $Manifest -BenchHome $BenchHome -WorkingDirectory $OutDirectory
    [pscustomobject]@{ Label = $label; Seconds = $run.Seconds; Fields = @($run.Text -split ' '); TutorialSeconds = $null }
}

function Invoke-TutorialRun([string] $label, [int] $index) {
    $destination = Join-Path $OutDirectory "run$index"
    # Milestones (information stream) are dropped; the results are checked, not printed.
    $run = Invoke-Child $label (
        "`$clock = [Diagnostics.Stopwatch]::StartNew(); " +
        "`$r = @(Invoke-BwTutorial -Destination $(Quote $destination) -JobId bench$index -Confirm:`$false 6>`$null); " +
        "`$clock.Stop(); " +
        "'BWBENCH {0:F3} {1} {2} {3}' -f `$clock.Elapsed.TotalSeconds, `$r.Count, @(`$r | Where-Object Succeeded).Count, " +
        "(@(`$r | ForEach-Object { `$_.TopWords.Count }) -join ',')")
    $tasks = [int] $run.Fields[1]; $succeeded = [int] $run.Fields[2]
    if ($tasks -lt 1 -or $succeeded -ne $tasks -or ($run.Fields[3] -split ',' | Where-Object { [int] $_ -lt 1 })) {
        throw "$label did not produce a top-words list for every task: $($run.Fields -join ' ')"
    }
    $run.TutorialSeconds = [double]::Parse($run.Fields[0], [Globalization.CultureInfo]::InvariantCulture)
    $run
}

function Get-Median([double[]] $values) {
    $sorted = @($values | Sort-Object)
    if ($sorted.Count % 2) { return $sorted[[int][math]::Floor($sorted.Count / 2)] }
    ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}

try {
    $cold = Invoke-TutorialRun 'cold' 0
    $warm = @(for ($i = 1; $i -le $Runs; $i++) { Invoke-TutorialRun 'warm' $i })
    $baseline = @(for ($i = 1; $i -le $Runs; $i++) {
            Invoke-Child 'baseline' "`$null = Connect-BwAccount; 'BWBENCH ok'"
        })
}
finally {
    try { $null = Invoke-Child 'stop' "`$null = Disconnect-BwAccount -StopLocalServices; 'BWBENCH ok'" }
    catch { Write-Warning "Could not stop the bench's local services (BATCHWORDS_HOME=$BenchHome): $_" }
}

$warmProcess = Get-Median ($warm | ForEach-Object Seconds)
$warmTutorial = Get-Median ($warm | ForEach-Object TutorialSeconds)
$baseProcess = Get-Median ($baseline | ForEach-Object Seconds)
$lines = @(
    ''
    "## The tutorial on the local default (pwsh $($PSVersionTable.PSVersion), $Runs warm runs, medians)"
    ''
    '| run | process (s) | Invoke-BwTutorial (s) | / original''s 5 min |'
    '|---|---:|---:|---:|'
    ('| cold: fresh process, starts Azurite and the emulator | {0:F2} | {1:F2} | {2:F0}x faster |' -f $cold.Seconds, $cold.TutorialSeconds, ($OriginalSeconds / $cold.Seconds))
    ('| warm: fresh process, services running | {0:F2} | {1:F2} | {2:F0}x faster |' -f $warmProcess, $warmTutorial, ($OriginalSeconds / $warmProcess))
    ('| baseline: fresh process, Import-Module + Connect-BwAccount only | {0:F2} | - | - |' -f $baseProcess)
    ''
    ('Target: the whole local run from a warm build under 15 s: cold {0:F2} s, warm {1:F2} s ({2}). The tutorial''s own work is {3:F2} s of a warm run''s {1:F2} s; the rest is the engine process and the module ({4:F2} s baseline). The original''s 5 to 7 minutes on Azure are its documented figure (anchors.md), not measured here.' -f
        $cold.Seconds, $warmProcess, $(if ($cold.Seconds -lt 15 -and $warmProcess -lt 15) { 'met' } else { '**not met**' }), $warmTutorial, $baseProcess)
)
$lines | Write-Host
$lines | Set-Content -Path (Join-Path $OutDirectory 'tutorial-bench.md')
