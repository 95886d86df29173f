#Requires -Version 7.4
<#
    Pester 5 suite: nothing lost, nothing crossed, nothing hijacked (issue 10, findings 1-3, the program-integrity
    half of 4, and two of 6), on the local stack (Azurite and the BatchWords emulator), through the cmdlets.

    - Invoke-BwTutorial deletes only what it created: containers of the user's named input, output, application
      and with the run's own names keep every blob; a pool another job still uses is kept with a warning.
    - Two tutorials at once, same file names, different words: each returns its own words.
    - Ctrl+C during the upload and during the wait: no later step, the job terminated, the leftovers named.
    - A program blob replaced after New-BwPool uploaded it fails the start task; Wait-BwTask says so.
    - Wait-BwTask -Timeout | Receive-BwOutput downloads what finished; duplicate blob names are refused up front.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TestHome = Use-TestHome 'runsafety'
    Import-Module $Manifest -Force
    $script:Context = Connect-BwAccount

    function Get-CoreType([string] $Name) {
        # Core lives in the module's own load context: reach its types through an object it made.
        $Context.GetType().Assembly.GetType($Name, $true)
    }

    function New-StorageProbe {
        # Core's storage client, to look at blobs without changing them (no cmdlet lists or probes blobs).
        (Get-CoreType 'BatchWords.BwStorageClient')::new($Context)
    }

    function Test-BlobExists([string] $Container, [string] $Name) {
        $found = (New-StorageProbe).GetExistingBlobNamesAsync($Container, [string[]] @($Name), [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $found.Count -gt 0
    }

    function Test-ContainerExists([string] $Name) {
        (Invoke-TestStorageRequest GET "$Name`?restype=container" -Accept 404).Status -eq 200
    }

    function Get-BlobNames([string] $Container) {
        # Every blob of the container, downloaded as a user would, then listed by name.
        $directory = Join-Path $TestDrive (New-TestId 'list')
        @(Receive-BwOutput -Container $Container -Destination $directory | ForEach-Object {
                [IO.Path]::GetRelativePath($directory, $_.FullName).Replace('\', '/')
            } | Sort-Object)
    }

    function New-UserContainer([string] $Name, [string[]] $BlobNames) {
        # A container of the user's, made before any run, with blobs of their own.
        $null = New-BwContainer $Name
        $directory = Join-Path $TestDrive (New-TestId 'user')
        $files = foreach ($blob in $BlobNames) { New-TestInput $blob "the user's own $blob" $directory }
        $null = $files | Publish-BwInput -Container $Name
    }

    function Resize-TestPool([string] $PoolId, [int] $Nodes) {
        # What the portal or autoscale does: add nodes to a live pool (no cmdlet resizes).
        $client = (Get-CoreType 'BatchWords.BatchClientFactory').GetMethod('Create').Invoke($null, @($Context.psobject.BaseObject))
        $options = [Activator]::CreateInstance((Get-CoreType 'BatchWords.Batch.BatchPoolResizeOptions'))
        $options.TargetDedicatedNodes = $Nodes
        $null = $client.ResizePoolAsync($PoolId, $options, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    }

    function New-GateWorker {
        # A worker whose input 'gate <path>' writes <path>.started and waits (at most a minute) until <path> exists,
        # so a test decides when a task ends; other inputs finish at once. Named batchwords-worker, so a pool made
        # with it (BATCHWORDS_WORKER) is what Invoke-BwTutorial installs.
        $directory = Join-Path $TestDrive (New-TestId 'gate')
        $null = New-Item -ItemType Directory -Force -Path $directory
        $path = Join-Path $directory 'batchwords-worker'
        $script = @'
#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in --filepath) file="$2"; shift 2 ;; *) shift ;; esac; done
first=$(head -n 1 "$file")
case "$first" in
  "gate "*)
    gate="${first#gate }"; touch "$gate.started"; n=0
    while [ ! -e "$gate" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done ;;
esac
name=$(basename "$file")
printf 'Word\tCount\n------------------------------\nopened:\t1\n------------------------------\n' > "${name%.*}_OUTPUT.${name##*.}"
'@
        Set-Content -LiteralPath $path -Value $script.Replace("`r`n", "`n") -NoNewline
        chmod 755 $path
        $path
    }

    function New-FakeWorkerPool([string] $PoolId, [int] $NodeCount = 2) {
        # A pool whose 'batchwords-worker' is tests/fake-worker.sh: Invoke-BwTutorial reuses it (same program name).
        $worker = New-FakeWorker -Name 'batchwords-worker'
        $null = New-BwPool -Id $PoolId -NodeCount $NodeCount -Program $worker.Path
        Wait-Until { (Get-BwPool -Id $PoolId).NodeStates.idle -eq $NodeCount } "the nodes of $PoolId idle"
        $worker
    }

    function Start-TutorialInBackground([hashtable] $Parameters) {
        # Another runspace of this process runs Invoke-BwTutorial while the test acts; Receive-... collects it.
        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $runspace.Open()
        $ps = [PowerShell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript({
                param($Manifest, $Context, $Parameters)
                Import-Module $Manifest
                Invoke-BwTutorial @Parameters -Context $Context
            }).AddParameters(@{ Manifest = $Manifest; Context = $Context; Parameters = $Parameters })
        [pscustomobject]@{ PowerShell = $ps; Runspace = $runspace; Handle = $ps.BeginInvoke() }
    }

    function Receive-TutorialInBackground($Run, [int] $TimeoutSeconds = 180) {
        if (-not $Run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))) { $Run.PowerShell.Stop(); throw 'The tutorial did not finish.' }
        try {
            $output = $Run.PowerShell.EndInvoke($Run.Handle)
            [pscustomobject]@{ Output = @($output); Warnings = @($Run.PowerShell.Streams.Warning | ForEach-Object Message); Errors = @($Run.PowerShell.Streams.Error) }
        }
        finally { $Run.PowerShell.Dispose(); $Run.Runspace.Dispose() }
    }
}

AfterAll {
    Get-BwJob | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'Invoke-BwTutorial deletes only what it created' -Tag 'Integration' {
    It 'keeps containers input, output, application and ones with the run''s own names that existed before, with every blob of theirs' {
        $job = New-TestId 'keep'; $pool = New-TestId 'keep'
        # The run's containers are {job}-input and {job}-output (a lowercase job id is kept as it is).
        $runInput = "$job-input"; $runOutput = "$job-output"
        New-UserContainer 'input' 'notes.txt', 't00.txt'
        New-UserContainer 'output' 'earlier_OUTPUT.txt'
        New-UserContainer 'application' 'my-tool.sh'
        New-UserContainer $runInput 'mine.txt'
        New-UserContainer $runOutput 'mine_OUTPUT.txt'
        $data = Join-Path $TestDrive 'keep-data'
        $inputs = 0..2 | ForEach-Object { New-TestInput ('t{0:00}.txt' -f $_) ("kept{0} kept{0} word" -f $_) $data }

        $results = Invoke-BwTutorial -Path $inputs.FullName -JobId $job -PoolId $pool -Destination (Join-Path $TestDrive 'keep-out') -WarningVariable warnings

        $results.Count | Should -Be 3
        foreach ($result in $results) { $result.TopWords[0].Word | Should -Be ('kept' + [int] ((Split-Path -LeafBase $result.Input).Substring(1))) }
        Get-BlobNames 'input' | Should -Be @('notes.txt', 't00.txt')
        Get-BlobNames 'output' | Should -Be @('earlier_OUTPUT.txt')
        Get-BlobNames 'application' | Should -Contain 'my-tool.sh'
        # In its own containers that existed before, the run deleted its inputs and outputs and nothing else.
        Get-BlobNames $runInput | Should -Be @('mine.txt')
        Get-BlobNames $runOutput | Should -Be @('mine_OUTPUT.txt')
        ($warnings -join "`n") | Should -Not -Match 'Force was given'
        # The pool was the run's own and no other job used it.
        Get-BwPool -Id $pool -ErrorAction SilentlyContinue | Where-Object State -NE 'deleting' | Should -BeNullOrEmpty
        Remove-BwContainer input, output, $runInput, $runOutput -Force
    }

    It 'refuses to run when a container with its output name already holds one of its outputs' {
        $job = New-TestId 'taken'
        New-UserContainer "$job-output" 'x_OUTPUT.txt'

        { Invoke-BwTutorial -Path (New-TestInput 'x.txt' 'x') -JobId $job -PoolId (New-TestId 'taken') -Destination (Join-Path $TestDrive 'taken-out') -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'OutputBlobExists,BatchWords.PowerShell.InvokeBwTutorialCommand'
        Get-BlobNames "$job-output" | Should -Be @('x_OUTPUT.txt')
        Get-BwJob -Id $job -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-BwContainer "$job-output" -Force
        if (Test-ContainerExists "$job-input") { Remove-BwContainer "$job-input" -Force }
    }

    It 'keeps a pool it created while another job still uses it, and names that job' {
        $pool = New-TestId 'shared'; $job = New-TestId 'gated'; $other = New-TestId 'other'
        $gate = Join-Path $TestDrive (New-TestId 'gate')
        $previous = $env:BATCHWORDS_WORKER
        $env:BATCHWORDS_WORKER = New-GateWorker
        try {
            $run = Start-TutorialInBackground @{ Path = (New-TestInput 'gated.txt' "gate $gate").FullName; PoolId = $pool; JobId = $job; Destination = (Join-Path $TestDrive 'gated') }
            Wait-Until { Test-Path "$gate.started" } 'the tutorial''s task started' 120
        }
        finally { $env:BATCHWORDS_WORKER = $previous }
        $otherContainer = New-TestId 'other'
        $null = New-BwContainer $otherContainer
        $null = New-TestInput 'other.txt' 'other' | Publish-BwInput -Container $otherContainer | Start-BwJob -JobId $other -Pool $pool -OutputContainer $otherContainer
        $null = New-Item -ItemType File -Path $gate

        $finished = Receive-TutorialInBackground $run

        $finished.Errors | Should -BeNullOrEmpty
        $finished.Output.Count | Should -Be 1
        ($finished.Warnings -join "`n") | Should -Match "Pool '$pool' was created by this run but was not deleted: job\(s\) '$other' still use it"
        (Get-BwPool -Id $pool).State | Should -Be 'active'
        $null = Wait-BwTask -JobId $other -Timeout 00:02:00
        Remove-BwJob $other -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer $otherContainer -Force
    }
}

Describe 'Two tutorials at once' -Tag 'Integration', 'Slow' {
    It 'each returns the words of its own files, on the shared default pool' {
        $script = Join-Path $TestDrive 'run-tutorial.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Manifest, $Data, $Result, $Destination)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$results = Invoke-BwTutorial -Path (Join-Path $Data '*.txt') -Destination $Destination -WarningVariable warnings
[pscustomobject]@{
    Results  = @($results | ForEach-Object { [pscustomobject]@{ Input = (Split-Path -Leaf $_.Input); Succeeded = $_.Succeeded; Words = @($_.TopWords | ForEach-Object Word) } })
    Warnings = @($warnings | ForEach-Object { "$_" })
} | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $Result
'@
        $pwsh = @(Get-TestPwsh)
        $runs = foreach ($word in 'alpha', 'bravo') {
            $data = Join-Path $TestDrive "data-$word"
            foreach ($i in 0..9) { $null = New-TestInput ('t{0:00}.txt' -f $i) ("{0}{1:00} {0}{1:00} {0}{1:00} shared" -f $word, $i) $data }
            $result = Join-Path $TestDrive "result-$word.json"
            $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script, '-Manifest', $Manifest, '-Data', $data, '-Result', $result, '-Destination', (Join-Path $TestDrive "out-$word"))
            $process = Start-Process -FilePath $pwsh[0] -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $TestDrive "stdout-$word.txt") -RedirectStandardError (Join-Path $TestDrive "stderr-$word.txt")
            [pscustomobject]@{ Word = $word; Process = $process; Result = $result }
        }
        foreach ($run in $runs) {
            if (-not $run.Process.WaitForExit(300000)) { $run.Process.Kill($true); throw "The $($run.Word) run did not finish." }
        }

        foreach ($run in $runs) {
            $other = if ($run.Word -eq 'alpha') { 'bravo' } else { 'alpha' }
            $log = (Get-Content (Join-Path $TestDrive "stdout-$($run.Word).txt"), (Join-Path $TestDrive "stderr-$($run.Word).txt") -Raw) -join "`n"
            $run.Process.ExitCode | Should -Be 0 -Because $log
            $report = Get-Content -LiteralPath $run.Result -Raw | ConvertFrom-Json
            $report.Results.Count | Should -Be 10
            foreach ($result in $report.Results) {
                $result.Succeeded | Should -BeTrue
                $index = $result.Input.Substring(1, 2)
                $result.Words[0] | Should -Be "$($run.Word)$index"
                ($result.Words -join ' ') | Should -Not -Match $other
            }
            # Only the shared pool may be kept, by the run that created it, while the other run's job used it.
            foreach ($warning in $report.Warnings) { $warning | Should -Match "^Pool 'BatchWordsTutorialPool' was created by this run but was not deleted" }
        }
        Get-BwPool -Id 'BatchWordsTutorialPool' -ErrorAction SilentlyContinue | Remove-BwPool -Force
    }
}

Describe 'Ctrl+C during Invoke-BwTutorial' -Tag 'Integration', 'Slow' {
    It 'during the upload: no later step runs, nothing is deleted, and what is left is named' {
        $job = New-TestId 'upload'; $pool = New-TestId 'upload'
        $data = Join-Path $TestDrive 'many'
        $null = New-Item -ItemType Directory -Force -Path $data
        foreach ($i in 0..1999) { [IO.File]::WriteAllText((Join-Path $data ('f{0:0000}.txt' -f $i)), "word$i") }
        $destination = Join-Path $TestDrive 'upload-out'

        $run = Invoke-ScriptedHost -Script 'param($Path, $JobId, $PoolId, $Destination) Invoke-BwTutorial -Path $Path -JobId $JobId -PoolId $PoolId -Destination $Destination' `
            -Parameters @{ Path = $data; JobId = $job; PoolId = $pool; Destination = $destination } `
            -StopWhen { (Test-ContainerExists "$job-input") -and (Test-BlobExists "$job-input" 'f0000.txt') } -TimeoutSeconds 300

        $run.Terminating | Should -BeOfType [Management.Automation.PipelineStoppedException]
        $lines = ($run.HostLines.Text + $run.Information.MessageData) -join "`n"
        $lines | Should -Not -Match 'Success!'
        $lines | Should -Not -Match 'Download complete'
        $lines | Should -Not -Match 'Deleting containers'
        Test-Path $destination | Should -BeFalse
        Test-ContainerExists "$job-input" | Should -BeTrue
        Test-ContainerExists "$job-output" | Should -BeTrue
        $warning = @($run.HostLines | Where-Object Kind -EQ 'Warning').Text -join "`n"
        $warning | Should -Match 'Invoke-BwTutorial was stopped before it finished'
        $warning | Should -Match "container '$job-input' \(created by this run\): Remove-BwContainer -Name $job-input"
        $warning | Should -Match "container '$job-output'"
        Get-BwJob -Id $job -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-BwContainer "$job-input", "$job-output" -Force
        Get-BwPool -Id $pool -ErrorAction SilentlyContinue | Remove-BwPool -Force
    }

    It 'during the wait: the job is terminated, its task processes end, the finished output stays, and what is left is named' {
        $job = New-TestId 'wait'; $pool = New-TestId 'wait'
        $worker = New-FakeWorkerPool $pool 3
        $data = Join-Path $TestDrive 'wait-data'
        $null = New-TestInput 'a-quick.txt' 'quick' $data
        $null = New-TestInput 'b-nap.txt' 'sleep' $data
        $null = New-TestInput 'c-nap.txt' 'sleep' $data
        $destination = Join-Path $TestDrive 'wait-out'

        $run = Invoke-ScriptedHost -Script 'param($Path, $JobId, $PoolId, $Destination) Invoke-BwTutorial -Path $Path -JobId $JobId -PoolId $PoolId -Destination $Destination' `
            -Parameters @{ Path = $data; JobId = $job; PoolId = $pool; Destination = $destination } `
            -StopWhen { @(Get-ChildItem $worker.Pids -Filter "$job.*.pid").Count -eq 2 -and (Test-ContainerExists "$job-output") -and (Test-BlobExists "$job-output" 'a-quick_OUTPUT.txt') } -TimeoutSeconds 300

        $run.Terminating | Should -BeOfType [Management.Automation.PipelineStoppedException]
        $lines = ($run.HostLines.Text + $run.Information.MessageData) -join "`n"
        $lines | Should -Not -Match 'Success!'
        $lines | Should -Not -Match 'Download'
        $lines | Should -Not -Match 'Deleting containers'
        Test-Path $destination | Should -BeFalse
        Test-BlobExists "$job-output" 'a-quick_OUTPUT.txt' | Should -BeTrue
        Test-ContainerExists "$job-input" | Should -BeTrue
        (Get-BwJob -Id $job).TerminateReason | Should -Be 'TutorialStopped'
        foreach ($file in Get-ChildItem $worker.Pids -Filter "$job.*.pid") {
            $taskPid = [int] (Get-Content $file.FullName)
            Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
        }
        $warning = @($run.HostLines | Where-Object Kind -EQ 'Warning').Text -join "`n"
        $warning | Should -Match "Job '$job' was terminated"
        $warning | Should -Match "job '$job' \(terminated; its tasks and logs stay\): Remove-BwJob -Id $job"
        $warning | Should -Match "container '$job-input' \(created by this run\)"
        $warning | Should -Match "container '$job-output' \(created by this run\)"
        # The pool existed before the run: not the run's to name or delete.
        $warning | Should -Not -Match "pool '$pool'"
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer "$job-input", "$job-output" -Force
    }
}

Describe 'A replaced program blob' -Tag 'Integration' {
    It 'fails the start task of a node that joins later, and Wait-BwTask says so' {
        $pool = New-TestId 'tamper'; $job = New-TestId 'tamper'
        $worker = New-FakeWorker -Name 'fake-worker'
        $null = New-BwPool -Id $pool -NodeCount 0 -Program $worker.Path
        # The worker's blob is named after its SHA-256: sha256-<first 16 hex digits>/<program>.
        $hash = (Get-FileHash -LiteralPath $worker.Path -Algorithm SHA256).Hash.ToLowerInvariant()
        (Get-BwPool -Id $pool).ProgramSha256 | Should -Be $hash
        $prefix = 'sha256-{0}/' -f $hash.Substring(0, 16)
        Test-BlobExists 'application' "${prefix}fake-worker" | Should -BeTrue

        # Someone who can write to the application container replaces the program.
        $marker = Join-Path $TestDrive (New-TestId 'hijacked')
        $evil = New-TestInput 'fake-worker' "#!/bin/sh`ntouch '$marker'`n" (Join-Path $TestDrive (New-TestId 'evil'))
        $replaced = $evil | Publish-BwInput -Container 'application' -Prefix $prefix -Force
        $replaced.Status | Should -Be 'Uploaded'
        Resize-TestPool $pool 1
        Wait-Until { (Get-BwPool -Id $pool).NodeStates.starttaskfailed -eq 1 } 'the new node failed its start task' 120

        $container = New-TestId 'tamper'
        $null = New-BwContainer $container
        $tasks = New-TestInput 'any.txt' 'any' | Publish-BwInput -Container $container | Start-BwJob -JobId $job -Pool $pool -OutputContainer $container
        $failure = { $tasks | Wait-BwTask -Timeout 00:02:00 } | Should -Throw -ErrorId 'StartTaskFailed,BatchWords.PowerShell.WaitBwTaskCommand' -PassThru
        $failure.Exception.Message | Should -Match 'ProgramIntegrityCheckFailed: fake-worker does not match the SHA-256'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'replaced after New-BwPool uploaded it'
        Test-Path $marker | Should -BeFalse
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer $container -Force
    }
}

Describe 'Wait-BwTask -Timeout piped to Receive-BwOutput' -Tag 'Integration' {
    It 'downloads the output of the task that finished and reports the timeout' {
        $pool = New-TestId 'partial'; $job = New-TestId 'partial'; $container = New-TestId 'partial'
        $null = New-FakeWorkerPool $pool 2
        $null = New-BwContainer $container
        $data = Join-Path $TestDrive 'partial'
        $tasks = (New-TestInput 'a-done.txt' 'done' $data), (New-TestInput 'b-nap.txt' 'sleep' $data) |
            Publish-BwInput -Container $container | Start-BwJob -JobId $job -Pool $pool -OutputContainer $container
        # The quick task first, so that it has finished when the short timeout below runs out (no timing bet).
        $null = $tasks | Where-Object TaskId -EQ 'topNtask0' | Wait-BwTask -Timeout 00:02:00
        $destination = Join-Path $TestDrive 'partial-out'

        $files = $tasks | Wait-BwTask -Timeout 00:00:02 -ErrorVariable timeout -ErrorAction SilentlyContinue | Receive-BwOutput -Destination $destination

        @($files).Name | Should -Be @('a-done_OUTPUT.txt')
        (Get-Content (Join-Path $destination 'a-done_OUTPUT.txt'))[2] | Should -Be "done:`t1"
        $timeout.Count | Should -Be 1
        $timeout[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimedOut,*'
        $timeout[0].Exception.Message | Should -Match 'topNtask1 \(running\)'
        { $tasks | Wait-BwTask -Timeout 00:00:01 -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimedOut,BatchWords.PowerShell.WaitBwTaskCommand'
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer $container -Force
    }
}

Describe 'Publish-BwInput with two files of the same name' -Tag 'Integration' {
    It 'refuses before anything is uploaded, naming both paths' {
        $container = New-TestId 'dup'
        $null = New-BwContainer $container
        $first = New-TestInput 'same.txt' 'first' (Join-Path $TestDrive 'dup-a')
        $second = New-TestInput 'same.txt' 'second' (Join-Path $TestDrive 'dup-b')
        $other = New-TestInput 'other.txt' 'other' (Join-Path $TestDrive 'dup-a')

        $failure = { $other, $first, $second | Publish-BwInput -Container $container } | Should -Throw -ErrorId 'DuplicateBlobName,BatchWords.PowerShell.PublishBwInputCommand' -PassThru

        $failure.Exception.Message | Should -BeLike "*'$($first.FullName)' and '$($second.FullName)' would both be uploaded as blob 'same.txt'*"
        Test-BlobExists $container 'same.txt' | Should -BeFalse
        Test-BlobExists $container 'other.txt' | Should -BeFalse
        # The same file named twice is one upload, not an error.
        @($first, $first | Publish-BwInput -Container $container).Count | Should -Be 1
        Remove-BwContainer $container -Force
    }
}
