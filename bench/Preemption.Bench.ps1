<#
    Spot preemption rehearsed locally, side by side with its baseline in one session (the README's "Cost" figures).

    Both runs are Invoke-BwTutorial on the same Spot-only pool of the local emulator (services of their own under
    -OutDirectory), with the same -Tasks inputs; each task sleeps -TaskSeconds and then writes its own word (the test
    suites' fake worker installed as the pool's program, so that tasks are still running when a node is taken away;
    the real worker finishes the tutorial's inputs in milliseconds):
      - baseline: no preemption;
      - rehearsal: the emulator-only hook (POST /emulator/pools/{id}/preempt, not part of the Batch API) preempts the
        busiest running Spot node every -PreemptEverySeconds, -Preemptions times (or until the run ends). Without a
        cap the last few tasks of a run are preempted again and again, which measures the rate more than the cost.
    Each run must return every task's result exactly once with its own word; the script prints wall times,
    preemptions and requeues.

        ./build.ps1 -Task Build; ./bench/Preemption.Bench.ps1 -ModuleDir out/BatchWords -OutDirectory out/bench/preemption
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $OutDirectory,
    [ValidateRange(1, 200)] [int] $Tasks = 24,
    [ValidateRange(1, 64)] [int] $SpotNodes = 4,
    [ValidateRange(1, 60)] [int] $TaskSeconds = 3,
    [ValidateRange(1, 60)] [double] $PreemptEverySeconds = 3,
    [ValidateRange(1, 1000)] [int] $Preemptions = 6
)
$ErrorActionPreference = 'Stop'
$Manifest = [IO.Path]::Combine([IO.Path]::GetFullPath($ModuleDir), 'BatchWords.psd1')
if (-not (Test-Path $Manifest)) { throw "The built module is not at '$Manifest': run build.ps1 -Task Build first." }
$OutDirectory = [IO.Path]::GetFullPath($OutDirectory)
if (Test-Path $OutDirectory) { Remove-Item $OutDirectory -Recurse -Force }
$null = New-Item -ItemType Directory -Path (Join-Path $OutDirectory 'home')
$TestsRoot = Join-Path (Split-Path -Parent $PSScriptRoot) 'tests'

# The probes and the fake worker of the test suites (reused, not copied): Invoke-TestBatchRequest signs the hook call.
. (Join-Path $TestsRoot 'TestSupport.ps1')
$previousHome = $env:BATCHWORDS_HOME
$previousModulePath = $env:BATCHWORDS_MODULE_PATH
$env:BATCHWORDS_HOME = Join-Path $OutDirectory 'home'
$env:BATCHWORDS_MODULE_PATH = Split-Path -Parent $Manifest   # the module Start-TestPreemption's runspace imports
Import-Module $Manifest -Force
$null = Connect-BwAccount

function Invoke-Run([string] $Label, [string] $PoolId, [string] $InputDirectory, [switch] $Preempt) {
    $job = "bench-$Label-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
    $preemptor = $null
    if ($Preempt) {
        $stopFile = Join-Path $OutDirectory "$job.stop"
        $preemptor = Start-TestPreemption $PoolId -Times $Preemptions -EverySeconds $PreemptEverySeconds -StopFile $stopFile
    }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = @(Invoke-BwTutorial -Path (Join-Path $InputDirectory '*.txt') -PoolId $PoolId -JobId $job -NodeCount 0 -SpotNodeCount $SpotNodes `
            -KeepPool -Destination (Join-Path $OutDirectory $job) -Confirm:$false 6>$null)
    $clock.Stop()
    $preempted = @()
    if ($preemptor) {
        $null = New-Item -ItemType File -Path $stopFile
        $preempted = @($preemptor | Wait-Job -Timeout 60 | Receive-Job)
        $preemptor | Remove-Job -Force
    }
    # Every task once, succeeded, with the word of its own input.
    $wrong = @($results | Where-Object { -not $_.Succeeded -or "$($_.TopWords)" -ne "word$([int]([IO.Path]::GetFileNameWithoutExtension($_.Input) -replace '^part')) 1" })
    if ($results.Count -ne $Tasks -or @($results.TaskId | Sort-Object -Unique).Count -ne $Tasks -or $wrong) {
        throw "$Label returned $($results.Count) result(s) for $Tasks task(s), $($wrong.Count) wrong: $($results | Out-String)"
    }
    [pscustomobject]@{
        Label = $Label; Seconds = $clock.Elapsed.TotalSeconds; Preemptions = $preempted.Count
        RequeuedTasks = @($results | Where-Object RequeueCount -GT 0).Count; Requeues = ($results | Measure-Object RequeueCount -Sum).Sum
    }
}

try {
    $worker = New-FakeWorker -Name 'batchwords-worker' -Directory (Join-Path $OutDirectory 'program')
    $inputs = Join-Path $OutDirectory 'inputs'
    $null = New-Item -ItemType Directory -Path $inputs
    foreach ($i in 1..$Tasks) { Set-Content -LiteralPath (Join-Path $inputs ('part{0:d3}.txt' -f $i)) -Value "slow $TaskSeconds word$i" -NoNewline }
    $pool = 'bench-spot'
    $null = New-BwPool -Id $pool -NodeCount 0 -SpotNodeCount $SpotNodes -Program $worker.Path
    Wait-Until { @(Get-BwNode -Pool $pool | Where-Object State -EQ 'idle').Count -eq $SpotNodes } "$SpotNodes Spot nodes idle" 120

    $baseline = Invoke-Run 'baseline' $pool $inputs
    Wait-Until { @(Get-BwNode -Pool $pool | Where-Object State -EQ 'idle').Count -eq $SpotNodes } "$SpotNodes Spot nodes idle" 120
    $rehearsal = Invoke-Run 'preempted' $pool $inputs -Preempt
}
finally {
    Remove-BwPool -Id 'bench-spot' -Force -ErrorAction SilentlyContinue
    $null = Disconnect-BwAccount -StopLocalServices -Confirm:$false
    $env:BATCHWORDS_HOME = $previousHome
    $env:BATCHWORDS_MODULE_PATH = $previousModulePath
}

$ideal = [math]::Ceiling($Tasks / $SpotNodes) * $TaskSeconds
$lines = @(
    ''
    "## Spot preemption rehearsed locally ($Tasks tasks of $TaskSeconds s on $SpotNodes Spot nodes; pwsh $($PSVersionTable.PSVersion))"
    ''
    '| run | Invoke-BwTutorial (s) | preemptions | tasks requeued | requeues | results right |'
    '|---|---:|---:|---:|---:|---:|'
    ('| baseline: no preemption | {0:F1} | {1} | {2} | {3} | {4}/{4} |' -f $baseline.Seconds, $baseline.Preemptions, $baseline.RequeuedTasks, $baseline.Requeues, $Tasks)
    ('| rehearsal: a running Spot node preempted every {5} s, {6} times | {0:F1} | {1} | {2} | {3} | {4}/{4} |' -f $rehearsal.Seconds, $rehearsal.Preemptions, $rehearsal.RequeuedTasks, $rehearsal.Requeues, $Tasks, $PreemptEverySeconds, $Preemptions)
    ''
    ('Added wall time: {0:F1} s ({1:P0}), {2:F1} s per preemption, for {3} requeued task run(s) of up to {4} s each; the tasks alone need {5} s on {6} nodes.' -f
        ($rehearsal.Seconds - $baseline.Seconds), (($rehearsal.Seconds - $baseline.Seconds) / $baseline.Seconds),
        (($rehearsal.Seconds - $baseline.Seconds) / [math]::Max(1, $rehearsal.Preemptions)), $rehearsal.Requeues, $TaskSeconds, $ideal, $SpotNodes)
)
$lines | Write-Host
$lines | Set-Content -Path (Join-Path $OutDirectory 'preemption-bench.md')
