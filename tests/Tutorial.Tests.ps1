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
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome
    Import-Module $Manifest -Force
    $script:Context = Connect-BwAccount

    # The tutorial's golden top-3 lists (python_tutorial_task.py on its own data).
    $script:Golden = @{
        'taskdata1.txt' = 'to 18, and 17, you 14'
        'taskdata2.txt' = 'Storage 11, for 8, data 7'
        'taskdata3.txt' = 'the 10, of 8, and 6'
    }

    function Format-TopWords($Result) { ($Result.TopWords | ForEach-Object { '{0} {1}' -f $_.Word, $_.Count }) -join ', ' }

    function Test-ContainerExists([string] $Name) {
        # New-BwContainer reports an existing container as Existing; remove what this probe made.
        $status = (New-BwContainer $Name).Status
        if ($status -eq 'Created') { Remove-BwContainer $Name -Force }
        $status -eq 'Existing'
    }

    function New-FakeWorkerPool([string] $PoolId) {
        # A pool whose 'batchwords-worker' is the shell stand-in: Invoke-BwTutorial reuses it (same program name).
        # Returns the directory where its sleeping tasks write their pids.
        $worker = New-FakeWorker -Name 'batchwords-worker'
        $null = New-BwPool -Id $PoolId -NodeCount 2 -Program $worker.Path
        Wait-Until { (Get-BwPool -Id $PoolId).NodeStates.idle -eq 2 } "the nodes of $PoolId idle"
        $worker.Pids
    }
}

AfterAll {
    Get-BwJob | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Remove-BwContainer application, input, output -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    Stop-TestLocalStack $TestHome
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
        Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
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
            Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
        }
    }
}
