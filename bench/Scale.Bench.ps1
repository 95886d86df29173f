<#
    The scale row of build.ps1 -Task Bench (issue 12): N small text files through
    Publish-BwInput | Start-BwJob | Wait-BwTask | Receive-BwOutput on the local default (2 nodes x 8 slots,
    the bundled worker), each step timed against its baseline in the same run:
      - publish:  a plain Azure.Storage.Blobs upload loop (same parallelism, 8) to a fresh container of the
                  same Azurite (bench/BatchWords.Bench storage-baseline upload);
      - submit + wait (task execution): the bare worker run on every file, 16 at a time (the pool's slots),
                  with xargs: what the tasks do, without Batch;
      - download: a plain SDK download loop of the same output container (storage-baseline download);
      - republish: the same unchanged publish three more times in the same session (finding 1: its cost
                  must not grow with the SAS registered before);
      - one named blob out of the N-blob output container (finding 5).
    The BatchWords steps run in one fresh pwsh (the user's session), whose peak RSS is read from
    /proc/self/status (VmHWM); the emulator's and Azurite's peak RSS are read the same way from their pids
    (the local state files under the bench's own BATCHWORDS_HOME) before they are stopped. Requests per step
    are counted in the clients' own pipelines (BwRequestCounts). Results: stdout and scale-bench.md.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $OutDirectory,
    [Parameter(Mandatory)] [string] $Worker,
    [ValidateSet('1k', '10k', '100k')] [string] $Scale = '10k',
    [string] $Root = (Split-Path $PSScriptRoot -Parent)
)
$ErrorActionPreference = 'Stop'
$Count = @{ '1k' = 1000; '10k' = 10000; '100k' = 100000 }[$Scale]
$Manifest = [IO.Path]::Combine([IO.Path]::GetFullPath($ModuleDir), 'BatchWords.psd1')
if (-not (Test-Path $Manifest)) { throw "The built module is not at '$Manifest': run build.ps1 -Task Build first." }
$OutDirectory = [IO.Path]::GetFullPath($OutDirectory)
if (Test-Path $OutDirectory) { Remove-Item $OutDirectory -Recurse -Force }
$BenchHome = Join-Path $OutDirectory 'home'
$Inputs = Join-Path $OutDirectory 'inputs'
$null = New-Item -ItemType Directory -Path $BenchHome, $Inputs
$Invariant = [Globalization.CultureInfo]::InvariantCulture

# N small texts (about 600 bytes each, a few hundred distinct words), the same for every run.
$words = @('the', 'batch', 'node', 'task', 'word', 'count', 'blob', 'pool', 'job', 'input', 'output', 'azure', 'local', 'scale')
$random = [Random]::new(12)
for ($i = 0; $i -lt $Count; $i++) {
    $text = [Text.StringBuilder]::new()
    for ($w = 0; $w -lt 100; $w++) { $null = $text.Append($words[$random.Next($words.Count)]).Append($(if ($w % 12 -eq 11) { "`n" } else { ' ' })) }
    [IO.File]::WriteAllText((Join-Path $Inputs ('scale{0:D6}.txt' -f $i)), $text.ToString())
}

. (Join-Path $PSScriptRoot 'BenchSupport.ps1')

function Invoke-Child([string] $label, [string] $script) {
    # The session's progress bars are off: they would only slow a non-interactive run.
    (Invoke-BenchChild -Label $label -Script $script -Manifest $Manifest -BenchHome $BenchHome -WorkingDirectory $OutDirectory `
        -Prelude "`$ProgressPreference = 'SilentlyContinue';").Text | ConvertFrom-Json
}

function Get-PeakRssMB([int] $ProcessId) {
    $status = "/proc/$ProcessId/status"
    if (-not (Test-Path $status)) { return $null }
    $line = Get-Content $status | Where-Object { $_.StartsWith('VmHWM:') }
    [math]::Round([double]($line -replace '[^0-9]', '') / 1024, 0)
}

# The measured session: every step in one pwsh, as a user would run it, timed and counted step by step.
$session = @'
$context = Connect-BwAccount
$counts = $context.GetType().Assembly.GetType('BatchWords.BwRequestCounts', $true)
function Snap { [pscustomobject]@{ Batch = $counts::Batch; Storage = $counts::Storage; At = [Diagnostics.Stopwatch]::GetTimestamp() } }
function Step($name, $before, $n) {
    $after = Snap
    [pscustomobject]@{ Step = $name; Seconds = [Diagnostics.Stopwatch]::GetElapsedTime($before.At, $after.At).TotalSeconds
        BatchRequests = $after.Batch - $before.Batch; StorageRequests = $after.Storage - $before.Storage; Items = $n }
}
$null = New-BwPool -Id scalepool -NodeCount 2 -TaskSlotsPerNode 8
$null = New-BwContainer scale-in; $null = New-BwContainer scale-out
$steps = @()
$files = [IO.Directory]::GetFiles($Inputs) | Sort-Object
$s = Snap; $published = @($files | Publish-BwInput -Container scale-in); $steps += Step 'publish' $s $published.Count
$s = Snap; $tasks = @($published | Start-BwJob -JobId scalejob -Pool scalepool -OutputContainer scale-out); $steps += Step 'submit' $s $tasks.Count
$s = Snap; $done = @($tasks | Wait-BwTask -Timeout 10:00:00); $steps += Step 'wait' $s @($done | Where-Object Succeeded).Count
$s = Snap; $received = @($done | Receive-BwOutput -Destination (Join-Path $Out 'received')); $steps += Step 'download' $s $received.Count
foreach ($round in 1..3) {
    $s = Snap; $again = @($files | Publish-BwInput -Container scale-in); $steps += Step "republish$round" $s @($again | Where-Object Status -EQ 'Unchanged').Count
}
$one = $received[0].Name
$s = Snap; $single = @(Receive-BwOutput -Container scale-out -BlobName $one -Destination (Join-Path $Out 'single')); $steps += Step 'named1' $s $single.Count
$rss = (Get-Content /proc/self/status | Where-Object { $_.StartsWith('VmHWM:') }) -replace '[^0-9]', ''
$service = [pscustomobject]@{ Endpoint = "$($context.BlobEndpoint)"; Account = $context.StorageAccountName }
'BWBENCH ' + ([pscustomobject]@{ Steps = $steps; PwshPeakKB = [long]$rss; Blob = $service } | ConvertTo-Json -Depth 4 -Compress)
'@
$session = "`$Inputs = $(Quote $Inputs); `$Out = $(Quote $OutDirectory); " + $session

try {
    Write-Host "Scale bench: $Count files (-Scale $Scale), BATCHWORDS_HOME=$BenchHome"
    $result = Invoke-Child 'session' $session
    # Peak RSS of the local services, from their state files, before anything stops them.
    $services = @{}
    foreach ($file in Get-ChildItem $BenchHome -Recurse -Filter *.json -File) {
        try { $state = Get-Content -Raw $file.FullName | ConvertFrom-Json } catch { continue }
        if ($state.PSObject.Properties['processId'] -and $state.PSObject.Properties['name']) { $services[$state.name] = Get-PeakRssMB $state.processId }
    }

    # Baselines, same machine, same Azurite, same run.
    $benchDll = Join-Path $Root 'bench/BatchWords.Bench/bin/Release/net10.0/BatchWords.Bench.dll'
    # The bench's own Azurite key: passed as the file it lives in, never on a command line or in output.
    $keyFile = Get-ChildItem $BenchHome -Recurse -Filter '*.key' -File | Where-Object Name -Match 'azurite' | Select-Object -First 1
    if (-not $keyFile) { throw "No Azurite key file under $BenchHome." }
    function Invoke-Baseline([string] $mode, [string] $container, [string] $dir) {
        $output = & dotnet $benchDll storage-baseline $mode --endpoint $result.Blob.Endpoint --account $result.Blob.Account --key-file $keyFile.FullName --container $container --dir $dir --parallel 8
        if ($LASTEXITCODE -ne 0) { throw "storage-baseline $mode failed: $output" }
        $fields = ("$output" -split "`n" | Where-Object { $_.StartsWith('BWBASELINE ') } | Select-Object -Last 1) -split ' '
        [pscustomobject]@{ Seconds = [double]::Parse($fields[1], $Invariant); Items = [int]$fields[2] }
    }
    $uploadBase = Invoke-Baseline upload 'scale-baseline' $Inputs
    $downloadBase = Invoke-Baseline download 'scale-out' (Join-Path $OutDirectory 'baseline-received')
    $workerOut = Join-Path $OutDirectory 'bare-worker'
    $null = New-Item -ItemType Directory $workerOut
    $clock = [Diagnostics.Stopwatch]::StartNew()
    # The worker as a task runs it (top 3, tutorial rule), 16 at a time: the pool's 2 nodes x 8 slots.
    & sh -c "cd '$Inputs' && ls | xargs -P 16 -I{} '$Worker' --filepath {} --numwords 3 --output '$workerOut/{}' > /dev/null"
    if ($LASTEXITCODE -ne 0) { throw "bare worker runs failed ($LASTEXITCODE)" }
    $workerBase = [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Items = @(Get-ChildItem $workerOut -File).Count }
}
finally {
    try { $null = Invoke-Child 'stop' "`$null = Disconnect-BwAccount -StopLocalServices; 'BWBENCH {}'" }
    catch { Write-Warning "Could not stop the bench's local services (BATCHWORDS_HOME=$BenchHome): $_" }
}

$steps = @{}; foreach ($s in $result.Steps) { $steps[$s.Step] = $s }
foreach ($name in 'publish', 'submit', 'wait', 'download') {
    if ($steps[$name].Items -ne $Count) { throw "Step $name handled $($steps[$name].Items) of $Count files." }
}
$execution = $steps['submit'].Seconds + $steps['wait'].Seconds
function Row($label, $step, $baseLabel, $baseSeconds) {
    $ratio = if ($baseSeconds) { '{0:F2}x' -f ($step.Seconds / $baseSeconds) } else { '-' }
    $rate = if ($step.Items -gt 1) { '{0:N0}/s' -f ($step.Items / [math]::Max($step.Seconds, 0.001)) } else { '-' }
    $baseText = if ($baseSeconds) { '{0:F2}' -f $baseSeconds } else { '-' }
    '| {0} | {1:F2} | {2} | {3} | {4} | {5} | {6} |' -f $label, $step.Seconds, $rate, $baseLabel, $baseText, $ratio, "$($step.BatchRequests) / $($step.StorageRequests)"
}
$lines = @(
    ''
    "## Scale: $($Count.ToString('N0', $Invariant)) small files end to end on the local default (pwsh $($PSVersionTable.PSVersion), one run)"
    ''
    '| step | seconds | rate | baseline (same run) | baseline s | ratio | requests Batch / Storage |'
    '|---|---:|---:|---|---:|---:|---:|'
    (Row 'Publish-BwInput' $steps['publish'] 'plain SDK upload loop, 8 parallel' $uploadBase.Seconds)
    (Row 'Start-BwJob' $steps['submit'] '-' $null)
    (Row 'Wait-BwTask (piped)' $steps['wait'] '-' $null)
    ('| Start-BwJob + Wait-BwTask (task execution) | {0:F2} | {1:N0}/s | bare worker runs, 16 at a time (xargs) | {2:F2} | {3:F2}x | - |' -f $execution, ($Count / $execution), $workerBase.Seconds, ($execution / $workerBase.Seconds))
    (Row 'Receive-BwOutput (piped tasks, named blobs)' $steps['download'] 'plain SDK download loop, 8 parallel' $downloadBase.Seconds)
    (Row 'Publish-BwInput again, unchanged (1st)' $steps['republish1'] '-' $null)
    (Row 'Publish-BwInput again, unchanged (2nd)' $steps['republish2'] 'the 1st republish' $steps['republish1'].Seconds)
    (Row 'Publish-BwInput again, unchanged (3rd)' $steps['republish3'] 'the 1st republish' $steps['republish1'].Seconds)
    (Row 'Receive-BwOutput -BlobName (1 of the N outputs)' $steps['named1'] '-' $null)
    ''
    ('Peak memory (VmHWM): pwsh session {0:N0} MB, emulator {1} MB, Azurite {2} MB. Requests per Wait-BwTask poll: task counts plus only the tasks completed since the last listing.' -f
        ($result.PwshPeakKB / 1024), ($services.GetEnumerator() | Where-Object Key -Match 'emulator|batch' | ForEach-Object Value | Select-Object -First 1),
        ($services.GetEnumerator() | Where-Object Key -Match 'azurite' | ForEach-Object Value | Select-Object -First 1))
)
$lines | Write-Host
$lines | Set-Content -Path (Join-Path $OutDirectory 'scale-bench.md')
