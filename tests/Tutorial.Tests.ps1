#Requires -Version 7.4
<#
    Pester 5 suite: Invoke-BwTutorial end to end, the same flow composed by hand from the cmdlets (the README
    pipeline), and Ctrl+C while tasks run, on the local stack (Azurite and the BatchWords emulator).

        ./build.ps1 -Task Test        (or, after a build: Invoke-Pester ./tests/Tutorial.Tests.ps1)

    The suite uses a BATCHWORDS_HOME of its own (Use-TestHome) and stops the services it starts at the end. The
    tutorial uses the fixed containers application, input and output, as the original does. What a test asserts
    about storage and the Batch service is read with plain HTTP and Shared Key signing (Get-TestContainerExists,
    Get-TestBatchResource), not through the module's own code.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'tutorial'
    Import-Module $Manifest -Force
    $script:Context = Connect-BwAccount
    $script:TutorialContainers = 'application', 'input', 'output'
    # What each test made, removed in AfterEach whatever the test did.
    $script:Made = @{ Jobs = [Collections.Generic.List[string]]::new(); Pools = [Collections.Generic.List[string]]::new(); Containers = [Collections.Generic.List[string]]::new() }

    # The tutorial's golden top-3 lists (python_tutorial_task.py on its own data).
    $script:Golden = Get-TutorialGolden

    function Register-Made([string[]] $Job = @(), [string[]] $Pool = @(), [string[]] $Container = @()) {
        $Job | ForEach-Object { $Made.Jobs.Add($_) }
        $Pool | ForEach-Object { $Made.Pools.Add($_) }
        $Container | ForEach-Object { $Made.Containers.Add($_) }
    }

    function Remove-Made {
        # AfterEach of every Describe: what the test registered, and the tutorial's fixed containers.
        foreach ($job in $Made.Jobs) { Remove-BwJob $job -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        foreach ($pool in $Made.Pools) { Remove-BwPool $pool -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        $containers = @($Made.Containers) + @($Made.Jobs | ForEach-Object { Get-RunContainer $_ }) + $TutorialContainers | Select-Object -Unique
        Remove-BwContainer $containers -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $Made.Jobs.Clear(); $Made.Pools.Clear(); $Made.Containers.Clear()
    }

    function Get-AllErrors($Result) {
        # The errors a run wrote, plus the one that ended it (a terminating error), if any; not Ctrl+C.
        $all = @($Result.Errors)
        if ($Result.Terminating -and $Result.Terminating -isnot [Management.Automation.PipelineStoppedException] -and $Result.Terminating.ErrorRecord) {
            $all += $Result.Terminating.ErrorRecord
        }
        , $all
    }

    function Get-TypeName($Object) { $Object.PSObject.TypeNames[0] }

    # A run's own input and output containers are named after its job (README: "Runs side by side"); the ids
    # New-TestId makes are already valid container names, so no hash suffix is added.
    function Get-RunContainer([string] $Job) { "$Job-input", "$Job-output" }

    # --- Independent checks through the probes of tests/TestSupport.ps1 (Shared Key signed, not the module's code). ---
    function Get-TestContainerExists([string] $Name) { (Invoke-TestStorageRequest GET "$Name`?restype=container" -Accept 404).Status -eq 200 }

    function Get-TestBatchResource([string] $Path) {
        # The pool, job or task ('pools/x', 'jobs/x', 'jobs/x/tasks/y') as parsed JSON, or $null when there is none.
        (Invoke-TestBatchRequest GET $Path -Accept 404).Json
    }

    function Test-GoneOrDeleting([string] $Path) {
        $resource = Get-TestBatchResource $Path
        $null -eq $resource -or $resource.state -eq 'deleting'
    }

    function New-FakeWorkerPool([string] $PoolId, [string] $Program = 'batchwords-worker', [string] $ApplicationContainer) {
        # A pool of 2 nodes whose program is the shell stand-in. Named 'batchwords-worker' (in the application
        # container) Invoke-BwTutorial reuses it; returns the fake worker (Path, and Pids: where sleeping tasks
        # write their pids).
        $worker = New-FakeWorker -Name $Program
        Register-Made -Pool $PoolId
        $parameters = @{ Id = $PoolId; NodeCount = 2; Program = $worker.Path }
        if ($ApplicationContainer) { $parameters.ApplicationContainer = $ApplicationContainer; Register-Made -Container $ApplicationContainer }
        $null = New-BwPool @parameters
        Wait-Until { (Get-BwPool -Id $PoolId).NodeStates.idle -eq 2 } "the nodes of $PoolId idle"
        $worker
    }
}

AfterAll {
    if ($Context) {
        Get-BwJob -ErrorAction SilentlyContinue | Remove-BwJob -Force -ErrorAction SilentlyContinue
        Get-BwPool -ErrorAction SilentlyContinue | Remove-BwPool -Force -ErrorAction SilentlyContinue
    }
    Stop-TestLocalStack $TestHome
}

Describe 'Invoke-BwTutorial' -Tag 'Integration', 'Slow' {
    AfterEach { Remove-Made }

    It 'counts the tutorial data, prints the milestones in order and leaves nothing behind' {
        $pool = New-TestId 'tutorial'; $job = New-TestId 'tutorial'
        Register-Made -Pool $pool -Job $job
        $destination = Join-Path $TestDrive 'golden'

        $run = Invoke-ScriptedHost 'param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination' `
            -Parameters @{ Data = (Join-Path $TutorialData '*.txt'); Pool = $pool; Job = $job; Destination = $destination }

        Get-AllErrors $run | Should -BeNullOrEmpty
        # One result per task, in task order, with the golden top-3 lists and the downloaded output.
        $run.Output | ForEach-Object { Get-TypeName $_ | Should -Be 'BatchWords.BwTutorialResult' }
        $run.Output.TaskId | Should -Be @('topNtask0', 'topNtask1', 'topNtask2')
        foreach ($result in $run.Output) {
            $name = Split-Path -Leaf $result.Input
            Format-TopWords $result | Should -Be $Golden[$name]
            $result.Succeeded | Should -BeTrue
            $result.ExitCode | Should -Be 0
            $result.OutputPath | Should -Be (Join-Path $destination ($name -replace '\.txt$', '_OUTPUT.txt'))
            $result.OutputPath | Should -Exist
        }
        $run.Output[0].Input | Should -Be (Join-Path $TutorialData 'taskdata1.txt')

        # The original's milestones, in its order, as information (shown by the host like Write-Host).
        $expected = @(
            '^Sample start: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$', '^$'
            1..3 | ForEach-Object { "^Uploading file $([regex]::Escape((Join-Path $TutorialData "taskdata$_.txt"))) to container \[$job-input\]\.\.\.$" }
            '^Uploading file .*batchwords-worker to container \[application\]\.\.\.$'
            "^Creating pool \[$pool\]\.\.\.$", "^Creating job \[$job\]\.\.\.$", "^Adding 3 tasks to job \[$job\]\.\.\.$"
            "^Monitoring all tasks for 'Completed' state, timeout in 00:20:00\.\.\.$"
            "^  Success! All tasks reached the 'Completed' state within the specified timeout period\.$"
            1..3 | ForEach-Object { "^  Downloaded blob taskdata\d_OUTPUT\.txt from container \[$job-output\] to .+taskdata\d_OUTPUT\.txt$" }
            '^  Download complete!$', '^Deleting containers\.\.\.$', '^$'
            '^Sample end: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$', '^Elapsed time: \d\d:\d\d:\d\d\.\d{3}$', '^$'
        )
        $lines = @($run.Information | ForEach-Object { "$($_.MessageData)" })
        $lines.Count | Should -Be $expected.Count -Because "the milestones were:`n$($lines -join "`n")"
        for ($i = 0; $i -lt $expected.Count; $i++) { $lines[$i] | Should -Match $expected[$i] }
        $run.Information | ForEach-Object { $_.Tags | Should -Contain 'PSHOST' }
        $run.HostLines | Where-Object { $_.Kind -eq 'Information' -and $_.Text -eq "Creating pool [$pool]..." } | Should -HaveCount 1

        # Nothing left: the run's containers, the application container it created, job and pool are gone (or going).
        @(Get-RunContainer $job) + 'application' | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse -Because "container $_ must not be left" }
        Test-GoneOrDeleting "jobs/$job" | Should -BeTrue
        Test-GoneOrDeleting "pools/$pool" | Should -BeTrue
    }

    It "routes the steps' verbose lines through the tutorial's own redirection, not straight to the host" {
        $pool = New-TestId 'verbose'; $job = New-TestId 'verbose'
        Register-Made -Pool $pool -Job $job

        # 4>&1: a step's verbose lines become output of the script, so none may reach the host on their own.
        $run = Invoke-ScriptedHost 'param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -Verbose 4>&1' `
            -Parameters @{ Data = (Join-Path $TutorialData 'taskdata1.txt'); Pool = $pool; Job = $job; Destination = (Join-Path $TestDrive 'verbose') }

        Get-AllErrors $run | Should -BeNullOrEmpty
        $captured = @($run.Output | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $captured | Where-Object { $_.StartsWith('POST /pools', [StringComparison]::Ordinal) } | Should -Not -BeNullOrEmpty -Because "New-BwPool's requests are logged"
        $captured | Where-Object { $_.StartsWith('GET /jobs/', [StringComparison]::Ordinal) } | Should -Not -BeNullOrEmpty -Because "Wait-BwTask's requests are logged"
        $run.HostLines | Where-Object Kind -EQ 'Verbose' | Should -BeNullOrEmpty
        @($run.Output | Where-Object { (Get-TypeName $_) -eq 'BatchWords.BwTutorialResult' }) | Should -HaveCount 1
    }

    It 'leaves the pool and its application container with -KeepPool for a second run that reuses it' {
        $pool = New-TestId 'keep'; $first = New-TestId 'first'; $second = New-TestId 'second'
        Register-Made -Pool $pool -Job $first, $second
        $parameters = @{ Data = (Join-Path $TutorialData 'taskdata2.txt'); Pool = $pool; First = $first; Second = $second; Destination = (Join-Path $TestDrive 'keep') }

        $run1 = Invoke-ScriptedHost 'param($Data, $Pool, $First, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $First -Destination $Destination -NodeCount 2 -KeepPool -KeepJob' -Parameters $parameters
        Get-AllErrors $run1 | Should -BeNullOrEmpty
        $kept = Get-TestBatchResource "pools/$pool"
        $kept.state | Should -Be 'active'
        $kept.targetDedicatedNodes | Should -Be 2
        Get-TestContainerExists 'application' | Should -BeTrue
        Get-RunContainer $first | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse -Because "container $_ must not be left" }
        (Get-TestBatchResource "jobs/$first").state | Should -Be 'active'

        $run2 = Invoke-ScriptedHost 'param($Data, $Pool, $Second, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Second -Destination $Destination -Verbose' -Parameters $parameters
        Get-AllErrors $run2 | Should -BeNullOrEmpty

        Format-TopWords $run1.Output | Should -Be $Golden['taskdata2.txt']
        $run2.Output | Should -HaveCount 1
        Format-TopWords $run2.Output | Should -Be $Golden['taskdata2.txt']
        $run2.Verbose.Message | Should -Contain "Pool '$pool' exists and is compatible: reusing it."
        # The 2-node pool is reused as it is; without -NodeCount the tutorial asked for no count, so no warning.
        $run2.Warnings | Should -BeNullOrEmpty
        # Reused, not re-created; and this run, even without -KeepPool, keeps the pool and the application container
        # it did not create (and says so), and removes its own containers.
        $run2.Verbose.Message | Where-Object { $_.StartsWith('POST /pools', [StringComparison]::Ordinal) } | Should -BeNullOrEmpty
        $run2.Information.MessageData | ForEach-Object { "$_" } | Should -Contain "Keeping pool [$pool]: it existed before this run."
        (Get-TestBatchResource "pools/$pool").state | Should -Be 'active'
        Get-TestContainerExists 'application' | Should -BeTrue
        Get-RunContainer $second | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse -Because "container $_ must not be left" }
        (Get-TestBatchResource "jobs/$first").state | Should -Be 'active'
    }

    It 'says an output is unchanged when the destination already holds the same bytes, instead of "Downloaded"' {
        # A one-node pool of the shell worker, whose output (word, node, task, job, pool) is known before the run:
        # the destination already holds exactly that file.
        $pool = New-TestId 'unchanged'; $job = New-TestId 'unchanged'
        Register-Made -Pool $pool -Job $job
        $worker = New-FakeWorker -Name 'batchwords-worker'
        $null = New-BwPool -Id $pool -NodeCount 1 -Program $worker.Path
        Wait-Until { (Get-BwPool -Id $pool).NodeStates.idle -eq 1 } "the node of $pool idle"
        $node = (Get-BwNode -Pool $pool).NodeId
        $destination = Join-Path $TestDrive 'unchanged'
        $null = New-Item -ItemType Directory -Force -Path $destination
        $output = Join-Path $destination 'same_OUTPUT.txt'
        [IO.File]::WriteAllText($output, "Word`tCount`n------------------------------`nsame:`t1`n------------------------------`nNode: $node`nTask: topNtask0`nJob:  $job`nPool: $pool`n")

        $results = Invoke-BwTutorial -Path (New-TestInput 'same.txt' 'same') -PoolId $pool -JobId $job -Destination $destination -InformationVariable said 6>$null

        $lines = @($said.MessageData | ForEach-Object { "$_" })
        $lines | Should -Contain "  Blob same_OUTPUT.txt from container [$job-output] is already in $output (unchanged)"
        $lines | Where-Object { $_ -like '*Downloaded blob*' } | Should -BeNullOrEmpty
        $results.OutputPath | Should -Be $output
        Format-TopWords $results | Should -Be 'same 1'
    }

    It 'reports a failing task with its exit code and stderr while the other outputs download' {
        # Called directly, under Pester's $ErrorActionPreference = 'Stop': the step's error must obey the
        # tutorial's own -ErrorAction SilentlyContinue, not the session's preference.
        $pool = New-TestId 'failing'; $job = New-TestId 'failing'
        Register-Made -Job $job
        $null = New-FakeWorkerPool $pool
        $destination = Join-Path $TestDrive 'failing'
        $files = (New-TestInput 'good.txt' 'good'), (New-TestInput 'bad.txt' 'exit 3')

        $results = Invoke-BwTutorial -Path $files -PoolId $pool -JobId $job -Destination $destination -ErrorVariable failures -ErrorAction SilentlyContinue -InformationVariable milestones

        # Wait-BwTask's error, written again by the tutorial (so its id names Invoke-BwTutorial).
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'TaskFailed,BatchWords.PowerShell.InvokeBwTutorialCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        # The message names the exit code and the task's stderr: that content is the behaviour.
        $failures[0].Exception.Message | Should -BeLike '*failed (exit code 3, FailureExitCode)*'
        $failures[0].Exception.Message | Should -BeLike '*fake-worker: bad.txt asks for exit code 3*'

        $bad = $results | Where-Object { (Split-Path -Leaf $_.Input) -eq 'bad.txt' }
        $bad.Succeeded | Should -BeFalse
        $bad.ExitCode | Should -Be 3
        $bad.OutputPath | Should -BeNullOrEmpty
        $bad.TopWords | Should -BeNullOrEmpty
        $good = $results | Where-Object { (Split-Path -Leaf $_.Input) -eq 'good.txt' }
        $good.Succeeded | Should -BeTrue
        Format-TopWords $good | Should -Be 'good 1'
        Join-Path $destination 'good_OUTPUT.txt' | Should -Exist
        Join-Path $destination 'bad_OUTPUT.txt' | Should -Not -Exist
        $milestones.MessageData | ForEach-Object { "$_" } |
            Should -Contain "  All tasks reached the 'Completed' state within the specified timeout period; 1 of them failed (see the errors)."
        Get-RunContainer $job | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse -Because "container $_ must not be left" }
        # The pool existed before the run (New-FakeWorkerPool), so it and its application container stay.
        (Get-TestBatchResource "pools/$pool").state | Should -Be 'active'
        Get-TestContainerExists 'application' | Should -BeTrue
    }

    It 'names the unfinished tasks at the timeout and ends its job so no task keeps running' {
        $pool = New-TestId 'timeout'; $job = New-TestId 'timeout'
        Register-Made -Job $job
        $worker = New-FakeWorkerPool $pool

        $run = Invoke-ScriptedHost 'param($Files, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Files -PoolId $Pool -JobId $Job -Destination $Destination -Timeout 00:00:03' `
            -Parameters @{ Files = @((New-TestInput 'quick.txt' 'quick'), (New-TestInput 'slow.txt' 'sleep')); Pool = $pool; Job = $job; Destination = (Join-Path $TestDrive 'timeout') }

        $errors = Get-AllErrors $run
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'WaitTimedOut,BatchWords.PowerShell.InvokeBwTutorialCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errors[0].Exception.Message | Should -Be "1 task(s) of job '$job' did not complete within 00:00:03: topNtask1 (running)."
        $run.Output | Should -BeNullOrEmpty
        # One warning: the job was ended, and what the run left is named with the command that removes it.
        $run.Warnings | Should -HaveCount 1
        $run.Warnings[0].Message | Should -BeLike "*Job '$job' was terminated so that its unfinished tasks stop running.*"
        $run.Warnings[0].Message | Should -BeLike "*Left behind:*job '$job'*Remove-BwJob -Id $job*container '$job-input'*container '$job-output'*"
        # The tutorial made that job: its sleeping task is killed rather than left running unwatched.
        $pidFile = Join-Path $worker.Pids "$job.topNtask1.pid"
        $pidFile | Should -Exist -Because 'the slow task ran'
        $taskPid = [int] (Get-Content $pidFile)
        Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
        (Get-TestBatchResource "jobs/$job").executionInfo.terminateReason | Should -Be 'TutorialStopped'
    }

    It 'refuses a job id in use on another pool and leaves that job alone' {
        $pool = New-TestId 'tutorial'; $job = New-TestId 'theirs'; $other = New-TestId 'other'
        $app = New-TestId 'app' 16; $in = New-TestId 'in' 16; $out = New-TestId 'out' 16
        Register-Made -Job $job -Pool $pool, $other -Container $app, $in, $out
        # Someone's job, with a waiting task, on another pool (no nodes).
        $null = New-BwPool -Id $other -NodeCount 0 -ApplicationContainer $app
        $null = Publish-BwInput -Container (New-BwContainer $in).Name -Path (New-TestInput 'theirs.txt' 'theirs') | Start-BwJob -JobId $job -Pool $other -OutputContainer $out

        $run = Invoke-ScriptedHost 'param($Data, $Pool, $Job) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job' `
            -Parameters @{ Data = (Join-Path $TutorialData 'taskdata1.txt'); Pool = $pool; Job = $job }

        $errors = Get-AllErrors $run
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'JobOnAnotherPool,*'
        # Refused before anything was made: no container, no pool, nothing to name as left behind.
        $run.Warnings | Should -BeNullOrEmpty
        $run.Information | Should -BeNullOrEmpty
        Get-TestBatchResource "pools/$pool" | Should -BeNullOrEmpty
        Get-RunContainer $job | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse }
        (Get-TestBatchResource "jobs/$job").state | Should -Be 'active'
        (Get-TestBatchResource "jobs/$job/tasks/topNtask0").state | Should -Be 'active'
    }

    It 'creates nothing with -WhatIf' {
        $pool = New-TestId 'whatif'; $job = New-TestId 'whatif'
        Register-Made -Pool $pool -Job $job

        $run = Invoke-ScriptedHost 'param($Data, $Pool, $Job) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -WhatIf' `
            -Parameters @{ Data = (Join-Path $TutorialData '*.txt'); Pool = $pool; Job = $job }

        Get-AllErrors $run | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        $whatIf = @($run.HostLines | Where-Object Text -Like 'What if:*')
        $whatIf | Should -HaveCount 1
        $whatIf[0].Text | Should -Be "What if: Performing the operation `"Run the Batch top-N words tutorial`" on target `"3 file(s) on pool '$pool', job '$job', containers '$job-input' and '$job-output'`"."
        $run.Information | Should -BeNullOrEmpty
        @(Get-RunContainer $job) + $TutorialContainers | ForEach-Object { Get-TestContainerExists $_ | Should -BeFalse -Because "container $_ must not be created" }
        Get-TestBatchResource "pools/$pool" | Should -BeNullOrEmpty
        Get-TestBatchResource "jobs/$job" | Should -BeNullOrEmpty
    }

    It "asks with -Confirm before the run and instead of the original's delete-job and delete-pool questions" {
        $pool = New-TestId 'confirm'; $job = New-TestId 'confirm'
        Register-Made -Pool $pool -Job $job

        $run = Invoke-ScriptedHost 'param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -Confirm' `
            -Parameters @{ Data = (Join-Path $TutorialData 'taskdata3.txt'); Pool = $pool; Job = $job; Destination = (Join-Path $TestDrive 'confirm') } `
            -Answer 'Yes', 'Yes', 'No'

        Get-AllErrors $run | Should -BeNullOrEmpty
        $operations = $run.Prompts | ForEach-Object { if ($_.Message -match 'Performing the operation "([^"]+)"') { $Matches[1] } else { $_.Message } }
        $operations | Should -Be @('Run the Batch top-N words tutorial', 'Delete Batch job', 'Delete Batch pool')
        $run.UnusedAnswers | Should -BeNullOrEmpty
        $run.Output | Should -HaveCount 1
        Format-TopWords $run.Output | Should -Be $Golden['taskdata3.txt']
        Test-GoneOrDeleting "jobs/$job" | Should -BeTrue
        (Get-TestBatchResource "pools/$pool").state | Should -Be 'active'
        Get-TestContainerExists 'application' | Should -BeTrue
    }

    It 'counts the module samples on the Local backend when called with no arguments in a session that never connected' {
        Register-Made -Pool 'BatchWordsTutorialPool'
        $here = Join-Path $TestDrive 'cwd'
        $null = New-Item -ItemType Directory -Force -Path $here

        try {
            $run = Invoke-ScriptedHost -NoConnect 'param($Here) Set-Location -LiteralPath $Here; Invoke-BwTutorial; (Get-BwContext).Backend' -Parameters @{ Here = $here }
        }
        finally {
            Get-BwJob -ErrorAction SilentlyContinue | Where-Object Id -Like 'BatchWordsTutorialJob-*' | ForEach-Object { Register-Made -Job $_.Id }
        }

        Get-AllErrors $run | Should -BeNullOrEmpty
        $samples = @(Get-ChildItem (Join-Path (Split-Path $Manifest) 'samples') -Filter *.txt | ForEach-Object Name | Sort-Object -CaseSensitive)
        $samples | Should -Not -BeNullOrEmpty
        $results = @($run.Output | Select-Object -SkipLast 1)
        $results | ForEach-Object { Split-Path -Leaf $_.Input } | Should -Be $samples
        foreach ($result in $results) {
            $result.Succeeded | Should -BeTrue
            @($result.TopWords) | Should -HaveCount 3
            $result.OutputPath | Should -BeLike ((Join-Path $here 'batchwords-output') + [IO.Path]::DirectorySeparatorChar + '*')
            $result.OutputPath | Should -Exist
        }
        "$($run.Output[-1])" | Should -Be 'Local'
        $run.Information.MessageData | ForEach-Object { "$_" } | Should -Contain 'Creating pool [BatchWordsTutorialPool]...'
        Test-GoneOrDeleting 'pools/BatchWordsTutorialPool' | Should -BeTrue
    }
}

Describe 'The tutorial composed by hand' -Tag 'Integration', 'Slow' {
    AfterEach { Remove-Made }

    It 'runs the README pipeline and downloads the golden outputs' {
        $job = New-TestId 'words'; $pool = New-TestId 'words'
        Register-Made -Job $job -Pool $pool
        $here = Join-Path $TestDrive 'readme'
        $null = New-Item -ItemType Directory -Force -Path $here
        $files = Get-ChildItem $TutorialData -Filter *.txt

        Push-Location $here
        try {
            $output = @(
                New-BwContainer application, input, output
                $files | Publish-BwInput -Container input |
                  Start-BwJob -JobId $job -Pool (New-BwPool -Id $pool -NodeCount 2) -Top 3 |
                  Wait-BwTask -Timeout 00:20:00 | Receive-BwOutput -Destination ./out
            )
        }
        finally { Pop-Location }

        $output | Select-Object -First 3 | ForEach-Object Name | Should -Be @('application', 'input', 'output')
        $downloaded = @($output | Select-Object -Skip 3)
        $downloaded | ForEach-Object { $_ | Should -BeOfType [IO.FileInfo] }
        $downloaded.Name | Sort-Object -CaseSensitive | Should -Be @('taskdata1_OUTPUT.txt', 'taskdata2_OUTPUT.txt', 'taskdata3_OUTPUT.txt')
        $downloaded | ForEach-Object { $_.DirectoryName | Should -Be (Join-Path $here 'out') }
        $text = @{}; $downloaded | ForEach-Object { $text[$_.Name] = [IO.File]::ReadAllText($_.FullName) }
        $rule = '-' * 30
        $text['taskdata1_OUTPUT.txt'] | Should -BeLikeExactly "Word`tCount`n$rule`nto:`t18`nand:`t17`nyou:`t14`n$rule`n*"
        $text['taskdata2_OUTPUT.txt'] | Should -BeLikeExactly "Word`tCount`n$rule`nStorage:`t11`nfor:`t8`ndata:`t7`n$rule`n*"
        $text['taskdata3_OUTPUT.txt'] | Should -BeLikeExactly "Word`tCount`n$rule`nthe:`t10`nof:`t8`nand:`t6`n$rule`n*"
        $text['taskdata1_OUTPUT.txt'] | Should -BeLikeExactly "*Job:  $job`nPool: $pool*"
    }

    It 'reports a failed task as one error in the same pipeline while the other outputs still download' {
        $pool = New-TestId 'mixed'; $job = New-TestId 'mixed'
        $app = New-TestId 'app' 16; $in = New-TestId 'in' 16; $out = New-TestId 'out' 16
        Register-Made -Job $job -Pool $pool -Container $app, $in, $out
        $worker = New-FakeWorker
        $destination = Join-Path $TestDrive 'mixed'

        # A fresh session (the default $ErrorActionPreference, Continue), as a user runs it.
        $run = Invoke-ScriptedHost '
            param($Files, $Pool, $Job, $App, $In, $Out, $Program, $Destination)
            $null = New-BwContainer $App, $In, $Out
            $Files | Publish-BwInput -Container $In |
              Start-BwJob -JobId $Job -Pool (New-BwPool -Id $Pool -NodeCount 2 -Program $Program -ApplicationContainer $App) -OutputContainer $Out |
              Wait-BwTask | Receive-BwOutput -Destination $Destination' `
            -Parameters @{ Files = @((New-TestInput 'fine.txt' 'fine'), (New-TestInput 'broken.txt' 'exit 3')); Pool = $pool; Job = $job
                App = $app; In = $in; Out = $out; Program = $worker.Path; Destination = $destination }

        # One error for the one failure: Receive-BwOutput is also handed the failed task, sees its result and
        # warns that it has no output instead of reporting the same failure again.
        $errors = Get-AllErrors $run
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'TaskFailed,BatchWords.PowerShell.WaitBwTaskCommand'
        $errors[0].Exception.Message | Should -BeLike '*exit code 3*'
        $run.Warnings | Should -HaveCount 1
        $run.Warnings[0].Message | Should -BeLike '*broken_OUTPUT.txt*'
        $run.Output | Should -HaveCount 1
        $run.Output[0] | Should -BeOfType [IO.FileInfo]
        $run.Output[0].Name | Should -Be 'fine_OUTPUT.txt'
        Join-Path $destination 'broken_OUTPUT.txt' | Should -Not -Exist
    }
}

Describe 'Ctrl+C' -Tag 'Integration', 'Slow' {
    AfterEach { Remove-Made }

    It 'during Invoke-BwTutorial ends the job it made and leaves no task process running' {
        $pool = New-TestId 'stop'; $job = New-TestId 'stop'
        Register-Made -Job $job
        # The tutorial reuses this pool: same program name as the bundled worker.
        $worker = New-FakeWorkerPool $pool
        $pids = $worker.Pids
        $stopWhen = { @(Get-ChildItem $pids -Filter *.pid).Count -eq 2 }.GetNewClosure()

        $run = Invoke-ScriptedHost 'param($Files, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Files -PoolId $Pool -JobId $Job -Destination $Destination' `
            -Parameters @{ Files = @((New-TestInput 'one.txt' 'sleep'), (New-TestInput 'two.txt' 'sleep')); Pool = $pool; Job = $job; Destination = (Join-Path $TestDrive 'stop') } `
            -StopWhen $stopWhen

        $run.Terminating | Should -BeOfType [Management.Automation.PipelineStoppedException]
        $taskPids = @(Get-ChildItem $pids -Filter *.pid | ForEach-Object { [int] (Get-Content $_.FullName) })
        $taskPids | Should -HaveCount 2
        foreach ($taskPid in $taskPids) { Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone" }
        (Get-TestBatchResource "jobs/$job").executionInfo.terminateReason | Should -Be 'TutorialStopped'
        # Terminating is asynchronous (202): the job is terminating until its tasks are killed, then completed.
        Wait-Until { (Get-TestBatchResource "jobs/$job").state -eq 'completed' } "job $job completed"
        foreach ($task in 'topNtask0', 'topNtask1') {
            $info = Get-TestBatchResource "jobs/$job/tasks/$task"
            $info.state | Should -Be 'completed'
            $info.executionInfo.failureInfo.code | Should -Be 'TaskEnded'
        }
        # No later step ran: no success line, no download, no deletion; what the run left is named (a warning, or
        # the host's warning line while the pipeline is stopping), and the job's record stays for Get-BwTask.
        $milestones = @($run.Information | ForEach-Object { "$($_.MessageData)" })
        $milestones | Where-Object { $_ -like '*Success!*' -or $_ -like '*Download*' -or $_ -eq 'Deleting containers...' } | Should -BeNullOrEmpty
        Get-RunContainer $job | ForEach-Object { Get-TestContainerExists $_ | Should -BeTrue -Because "container $_ is not deleted after Ctrl+C" }
        $said = (@($run.Warnings.Message) + @($run.HostLines | Where-Object { "$($_.Kind)" -eq 'Warning' } | ForEach-Object Text)) -join "`n"
        $said | Should -BeLike "*Invoke-BwTutorial was stopped before it finished.*Job '$job' was terminated*"
        $said | Should -BeLike "*container '$job-input'*container '$job-output'*"
    }

    It 'during Wait-BwTask stops the wait and leaves the tasks running' {
        $pool = New-TestId 'stopwait'; $job = New-TestId 'stopwait'
        $app = New-TestId 'app' 16; $in = New-TestId 'in' 16; $out = New-TestId 'out' 16
        Register-Made -Job $job -Container $in, $out
        $worker = New-FakeWorkerPool $pool -Program 'fake-worker' -ApplicationContainer $app
        $pidFile = Join-Path $worker.Pids "$job.topNtask0.pid"
        $stopWhen = { Test-Path -LiteralPath $pidFile }.GetNewClosure()

        $run = Invoke-ScriptedHost '
            param($File, $Pool, $Job, $In, $Out)
            Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask' `
            -Parameters @{ File = (New-TestInput 'nap.txt' 'sleep'); Pool = $pool; Job = $job; In = $in; Out = $out } -StopWhen $stopWhen

        $run.Terminating | Should -BeOfType [Management.Automation.PipelineStoppedException]
        Wait-Until { (Get-Content -LiteralPath $pidFile -ErrorAction Ignore) -match '^\d+$' } 'the task wrote its pid'
        Test-ProcessAlive ([int] (Get-Content -LiteralPath $pidFile)) | Should -BeTrue
        (Get-TestBatchResource "jobs/$job/tasks/topNtask0").state | Should -Be 'running'
    }
}

Describe 'Milestone lines and -InformationAction' -Tag 'Integration' {
    # Quick runs that stop at their first check: the run's output container already holds an output it would
    # write (OutputBlobExists), right after the 'Sample start' milestone, before anything is uploaded or run.
    BeforeEach {
        $script:Job = New-TestId 'infoact'
        Register-Made -Job $Job
        New-ProbeContainer "$Job-output"
        Set-ProbeBlob "$Job-output" 'taskdata1_OUTPUT.txt' 'not ours'
    }
    AfterEach { Remove-Made }

    It 'shows the milestones on the host by default, like Write-Host' {
        $run = Invoke-ScriptedHost -Script 'param($Data, $Job) Invoke-BwTutorial -Path $Data -JobId $Job' -Parameters @{ Data = (Join-Path $TutorialData 'taskdata1.txt'); Job = $Job }

        (Get-AllErrors $run).FullyQualifiedErrorId | Should -Be 'OutputBlobExists,BatchWords.PowerShell.InvokeBwTutorialCommand'
        # Shown: written as a line of the host's output (the host's Information lines are its log of every record).
        @($run.HostLines | Where-Object { "$($_.Kind)" -eq 'Output' -and $_.Text -like 'Sample start: *' }) | Should -HaveCount 1
    }

    It 'keeps them off the host with -InformationAction SilentlyContinue, still in the information stream' {
        $run = Invoke-ScriptedHost -Script 'param($Data, $Job) Invoke-BwTutorial -Path $Data -JobId $Job -InformationAction SilentlyContinue' -Parameters @{ Data = (Join-Path $TutorialData 'taskdata1.txt'); Job = $Job }

        (Get-AllErrors $run).FullyQualifiedErrorId | Should -Be 'OutputBlobExists,BatchWords.PowerShell.InvokeBwTutorialCommand'
        # Not shown (pwsh shows a PSHOST-tagged record even under SilentlyContinue; the milestones then carry no such tag).
        @($run.HostLines | Where-Object { "$($_.Kind)" -eq 'Output' -and $_.Text -like 'Sample start*' }) | Should -BeNullOrEmpty
        @($run.Information | Where-Object { "$($_.MessageData)" -like 'Sample start: *' }) | Should -HaveCount 1
    }

    It 'drops them with -InformationAction Ignore' {
        $run = Invoke-ScriptedHost -Script 'param($Data, $Job) Invoke-BwTutorial -Path $Data -JobId $Job -InformationAction Ignore' -Parameters @{ Data = (Join-Path $TutorialData 'taskdata1.txt'); Job = $Job }

        (Get-AllErrors $run).FullyQualifiedErrorId | Should -Be 'OutputBlobExists,BatchWords.PowerShell.InvokeBwTutorialCommand'
        @($run.HostLines | Where-Object { $_.Text -like 'Sample start*' }) | Should -BeNullOrEmpty
        $run.Information | Should -BeNullOrEmpty
    }
}
