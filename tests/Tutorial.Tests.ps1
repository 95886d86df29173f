#Requires -Version 7.4
<#
    Pester 5 suite for machines with pwsh: Invoke-BwTutorial and the same flow composed by hand from the
    cmdlets, on the local stack (Azurite and the BatchWords emulator). The same scenarios run in CI through the
    hosted engine (tests/BatchWords.PowerShell.Tests: TutorialTests, PipelineTutorialTests, TutorialStopTests);
    CI parses this file so it cannot rot unnoticed.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Tutorial.Tests.ps1

    The suite uses its own BATCHWORDS_HOME under $TestDrive and stops the services it starts at the end. The
    tutorial uses the fixed containers application, input and output, as the original does.
#>

BeforeAll {
    $repo = Split-Path -Parent $PSScriptRoot
    $moduleDir = if ($env:BATCHWORDS_MODULE_PATH) { $env:BATCHWORDS_MODULE_PATH } else { Join-Path $repo 'out/BatchWords' }
    $script:Manifest = Join-Path $moduleDir 'BatchWords.psd1'
    if (-not (Test-Path $Manifest)) { throw "The built module is missing ($Manifest): run ./build.ps1 -Task Build first." }
    $script:TutorialData = Join-Path $repo '../shared/tutorial-data'
    if (-not (Test-Path (Join-Path $TutorialData '*.txt'))) { throw "The tutorial data is missing: $TutorialData" }

    $script:PreviousHome = $env:BATCHWORDS_HOME
    $env:BATCHWORDS_HOME = Join-Path $TestDrive 'home'
    Import-Module $Manifest -Force
    $script:Context = Connect-BwAccount

    # The tutorial's golden top-3 lists (python_tutorial_task.py on its own data).
    $script:Golden = @{
        'taskdata1.txt' = 'to 18, and 17, you 14'
        'taskdata2.txt' = 'Storage 11, for 8, data 7'
        'taskdata3.txt' = 'the 10, of 8, and 6'
    }

    function New-TestId([string] $Stem) { '{0}-{1}' -f $Stem, [guid]::NewGuid().ToString('N').Substring(0, 12) }
    function Format-TopWords($Result) { ($Result.TopWords | ForEach-Object { '{0} {1}' -f $_.Word, $_.Count }) -join ', ' }

    function Test-ContainerExists([string] $Name) {
        # New-BwContainer reports an existing container as Existing; remove what this probe made.
        $status = (New-BwContainer $Name).Status
        if ($status -eq 'Created') { Remove-BwContainer $Name -Force }
        $status -eq 'Existing'
    }

    function New-FakeWorkerPool([string] $PoolId) {
        # A pool whose 'batchwords-worker' is a shell stand-in: Invoke-BwTutorial reuses it (same program name).
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive (New-TestId 'program'))
        $pids = New-Item -ItemType Directory -Path (Join-Path $dir 'pids')
        $path = Join-Path $dir 'batchwords-worker'
        $script = @'
#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    --filepath) file="$2"; shift 2 ;;
    *) shift ;;
  esac
done
first=$(head -n 1 "$file")
case "$first" in
  "exit "*) code="${first#exit }"; echo "fake-worker: $file asks for exit code $code" >&2; exit "$code" ;;
  sleep) echo $$ > "PIDS/$AZ_BATCH_JOB_ID.$AZ_BATCH_TASK_ID.pid"; exec sleep 600 ;;
esac
name=$(basename "$file")
printf 'Word\tCount\n------------------------------\n%s:\t1\n------------------------------\n' "$first" > "${name%.*}_OUTPUT.${name##*.}"
'@
        [IO.File]::WriteAllText($path, $script.Replace("`r`n", "`n").Replace('PIDS', $pids.FullName))
        & chmod 0755 $path
        $null = New-BwPool -Id $PoolId -NodeCount 2 -Program $path
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-BwPool -Id $PoolId).NodeStates.idle -ne 2) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "The nodes of $PoolId did not become idle." }
            Start-Sleep -Milliseconds 100
        }
        $pids.FullName
    }

    function New-TestInput([string] $Name, [string] $Content) {
        $dir = Join-Path $TestDrive 'inputs'
        $null = New-Item -ItemType Directory -Path $dir -Force
        $path = Join-Path $dir $Name
        Set-Content -Path $path -Value $Content -NoNewline
        $path
    }
}

AfterAll {
    Get-BwJob | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Remove-BwContainer application, input, output -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    $stopped = Disconnect-BwAccount -StopLocalServices -Confirm:$false
    Remove-Module BatchWords -ErrorAction SilentlyContinue
    $env:BATCHWORDS_HOME = $PreviousHome
    $stopped | Where-Object Status -EQ 'StillRunning' | ForEach-Object { throw "$($_.Name) (pid $($_.ProcessId)) is still running." }
}

Describe 'Invoke-BwTutorial' {
    It 'produces the golden top-3 lists, prints the milestones and leaves no containers behind' {
        $pool = New-TestId 'tutorial'; $job = New-TestId 'tutorial'
        $destination = Join-Path $TestDrive 'golden'

        $results = Invoke-BwTutorial -Path (Join-Path $TutorialData '*.txt') -PoolId $pool -JobId $job -Destination $destination -InformationVariable milestones

        $results.TaskId | Should -Be @('topNtask0', 'topNtask1', 'topNtask2')
        foreach ($result in $results) {
            Format-TopWords $result | Should -Be $Golden[(Split-Path -Leaf $result.Input)]
            $result.ExitCode | Should -Be 0
            $result.OutputPath | Should -Exist
        }
        $text = $milestones.MessageData -join "`n"
        $text | Should -Match "Sample start: "
        $text | Should -Match "Creating pool \[$pool\]\.\.\."
        $text | Should -Match "Adding 3 tasks to job \[$job\]\.\.\."
        $text | Should -Match 'Deleting containers\.\.\.'
        $text | Should -Match 'Elapsed time: '
        'application', 'input', 'output' | ForEach-Object { Test-ContainerExists $_ | Should -BeFalse }
    }

    It 'leaves the pool with -KeepPool for a second run that reuses it' {
        $pool = New-TestId 'keep'
        $data = Join-Path $TutorialData 'taskdata2.txt'

        $first = Invoke-BwTutorial -Path $data -PoolId $pool -JobId (New-TestId 'first') -Destination (Join-Path $TestDrive 'keep1') -KeepPool
        $kept = Get-BwPool -Id $pool
        $kept.State | Should -Be 'active'
        Test-ContainerExists 'application' | Should -BeTrue

        $second = Invoke-BwTutorial -Path $data -PoolId $pool -JobId (New-TestId 'second') -Destination (Join-Path $TestDrive 'keep2') -KeepPool
        (Get-BwPool -Id $pool).CreationTime | Should -Be $kept.CreationTime
        Format-TopWords $first | Should -Be $Golden['taskdata2.txt']
        Format-TopWords $second | Should -Be $Golden['taskdata2.txt']
        Remove-BwPool $pool -Force
        Remove-BwContainer application -Force
    }

    It 'reports a failing task with its exit code and stderr while the other outputs download' {
        $pool = New-TestId 'failing'
        $null = New-FakeWorkerPool $pool
        $destination = Join-Path $TestDrive 'failing'

        $results = Invoke-BwTutorial -Path (New-TestInput 'good.txt' 'good'), (New-TestInput 'bad.txt' 'exit 3') -PoolId $pool -Destination $destination -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].Exception.Message | Should -BeLike '*exit code 3*fake-worker: bad.txt asks for exit code 3*'
        ($results | Where-Object { (Split-Path -Leaf $_.Input) -eq 'bad.txt' }).ExitCode | Should -Be 3
        Join-Path $destination 'good_OUTPUT.txt' | Should -Exist
        Join-Path $destination 'bad_OUTPUT.txt' | Should -Not -Exist
    }

    It 'names the unfinished tasks at the timeout and ends its job' {
        $pool = New-TestId 'timeout'; $job = New-TestId 'timeout'
        $pids = New-FakeWorkerPool $pool

        { Invoke-BwTutorial -Path (New-TestInput 'quick.txt' 'quick'), (New-TestInput 'slow.txt' 'sleep') -PoolId $pool -JobId $job -Timeout 00:00:03 -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw "*did not complete within 00:00:03: topNtask1 (running)*"
        (Get-BwJob -Id $job).TerminateReason | Should -Be 'TutorialStopped'
        $taskPid = [int] (Get-Content (Join-Path $pids "$job.topNtask1.pid"))
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-Process -Id $taskPid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-Process -Id $taskPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer application, input, output -Force -WarningAction SilentlyContinue
    }

    It 'creates nothing with -WhatIf' {
        $pool = New-TestId 'whatif'
        Invoke-BwTutorial -Path (Join-Path $TutorialData '*.txt') -PoolId $pool -WhatIf | Should -BeNullOrEmpty
        Get-BwPool -Id $pool -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        'application', 'input', 'output' | ForEach-Object { Test-ContainerExists $_ | Should -BeFalse }
    }
}

Describe 'The tutorial composed by hand' {
    It 'runs the README pipeline and downloads the golden outputs' {
        $job = New-TestId 'words'; $pool = New-TestId 'words'
        $files = Get-ChildItem $TutorialData -Filter *.txt
        Push-Location $TestDrive
        try {
            New-BwContainer application, input, output
            $files | Publish-BwInput -Container input |
              Start-BwJob -JobId $job -Pool (New-BwPool -Id $pool -NodeCount 2) -Top 3 |
              Wait-BwTask -Timeout 00:20:00 | Receive-BwOutput -Destination ./out
        }
        finally { Pop-Location }

        (Get-Content (Join-Path $TestDrive 'out/taskdata1_OUTPUT.txt'))[2..4] | Should -Be @("to:`t18", "and:`t17", "you:`t14")
        (Get-Content (Join-Path $TestDrive 'out/taskdata3_OUTPUT.txt'))[2..4] | Should -Be @("the:`t10", "of:`t8", "and:`t6")
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
        Remove-BwContainer application, input, output -Force
    }
}

Describe 'Ctrl+C during Invoke-BwTutorial' {
    It 'ends the job it made and leaves no task process running' {
        $pool = New-TestId 'stop'; $job = New-TestId 'stop'
        $pids = New-FakeWorkerPool $pool
        $inputs = (New-TestInput 'nap1.txt' 'sleep'), (New-TestInput 'nap2.txt' 'sleep')

        # Another runspace of this process runs the tutorial; Stop() is what Ctrl+C does to the pipeline.
        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $runspace.Open()
        $ps = [PowerShell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript({
                param($Manifest, $Context, $Inputs, $Pool, $Job)
                Import-Module $Manifest
                Invoke-BwTutorial -Path $Inputs -PoolId $Pool -JobId $Job -Context $Context
            }).AddParameters(@{ Manifest = $Manifest; Context = $Context; Inputs = $inputs; Pool = $pool; Job = $job })
        $running = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-ChildItem $pids -Filter *.pid).Count -lt 2) {
            if ([DateTime]::UtcNow -gt $deadline) { $ps.Stop(); throw 'The tasks did not start.' }
            Start-Sleep -Milliseconds 100
        }
        $taskPids = Get-ChildItem $pids -Filter *.pid | ForEach-Object { [int] (Get-Content $_.FullName) }
        $ps.Stop()
        { $ps.EndInvoke($running) } | Should -Throw
        $ps.Dispose()
        $runspace.Dispose()

        (Get-BwJob -Id $job).TerminateReason | Should -Be 'TutorialStopped'
        foreach ($taskPid in $taskPids) {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-Process -Id $taskPid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Get-Process -Id $taskPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }
}
