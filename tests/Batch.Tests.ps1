#Requires -Version 7.4
<#
    Pester 5 suite for machines with pwsh: the Batch cmdlets (New-BwPool, Start-BwJob, Wait-BwTask, Get-BwPool,
    Get-BwJob, Get-BwTask, Get-BwTaskLog, Remove-BwJob, Remove-BwPool, and Remove-BwContainer's guard for a live
    pool) against the local stack: Azurite and the BatchWords emulator, whose tasks run as local processes. The
    same scenarios run in CI through the hosted engine (tests/BatchWords.PowerShell.Tests: PoolTests, JobTests,
    WaitTaskTests, TaskLogTests, RemoveBatchTests, ContainerGuardTests); CI parses this file so it cannot rot.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Batch.Tests.ps1

    The suite uses its own BATCHWORDS_HOME under $TestDrive and stops the services it starts at the end. Tasks
    that are not about the bundled worker run tests/fake-worker.sh (New-BwPool -Program) whose behaviour is
    chosen by the first line of its input: 'exit N' fails with code N, 'sleep' sleeps, anything else succeeds.
    The helpers (New-TestId, New-TestInput, New-FakeWorker, Wait-Until, ...) are in tests/TestSupport.ps1.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = Get-TestModuleManifest
    $script:BundledWorker = Join-Path (Split-Path -Parent $manifest) 'payload/linux-x64/batchwords-worker'
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome
    Import-Module $manifest -Force
    $script:Context = Connect-BwAccount
}

AfterAll {
    Get-BwJob | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'New-BwPool' {
    It 'creates a two-node pool whose start task installs the bundled worker from the application container' {
        $id = New-TestId 'pool'; $app = New-TestId 'app'

        $pool = New-BwPool -Id $id -NodeCount 2 -ApplicationContainer $app

        $pool.Provisioning | Should -Be 'Created'
        $pool.TargetNodes | Should -Be 2
        $pool.Program | Should -Be 'batchwords-worker'
        $pool.StartTaskContainers | Should -Be @($app)
        Wait-Until { (Get-BwPool -Id $id).NodeStates.idle -eq 2 } 'both nodes idle'
        $downloaded = Join-Path $TestDrive $app
        $null = Receive-BwOutput -Container $app -Destination $downloaded
        (Get-FileHash (Join-Path $downloaded 'batchwords-worker')).Hash | Should -Be (Get-FileHash $BundledWorker).Hash
    }

    It 'takes -VmSize, -TaskSlotsPerNode and -Image' {
        $pool = New-BwPool -Id (New-TestId 'shape') -VmSize standard_d4s_v3 -NodeCount 0 -TaskSlotsPerNode 4 -Image canonical/ubuntu-24_04-lts/serv -ApplicationContainer (New-TestId 'app')
        $pool.VmSize | Should -Be 'standard_d4s_v3'
        $pool.TaskSlotsPerNode | Should -Be 4
        $pool.Image | Should -Be 'canonical/ubuntu-24_04-lts/server'
    }

    It 'reuses a compatible pool and refuses an incompatible one' {
        $id = New-TestId 'reuse'; $app = New-TestId 'app'
        $null = New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $app

        (New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $app).Provisioning | Should -Be 'Reused'
        New-BwPool -Id $id -VmSize standard_a1 -ApplicationContainer $app -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'PoolIncompatible,BatchWords.PowerShell.NewBwPoolCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        New-BwPool -Id $id -TaskSlotsPerNode 2 -ApplicationContainer $app -ErrorVariable slots -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $slots[0].Exception.Message | Should -BeLike '*1 task slot(s) per node, not 2*'
        New-BwPool -Id $id -Image canonical/ubuntu-24_04-lts/server -ApplicationContainer $app -ErrorVariable image -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $image[0].Exception.Message | Should -BeLike '*its image is canonical/0001-com-ubuntu-server-jammy/22_04*'
    }

    It 'reuses a pool with another node count as it is, with a warning' {
        $id = New-TestId 'count'; $app = New-TestId 'app'
        $null = New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $app

        $pool = New-BwPool -Id $id -NodeCount 2 -ApplicationContainer $app -WarningVariable warnings -WarningAction SilentlyContinue
        $pool.Provisioning | Should -Be 'Reused'
        $pool.TargetNodes | Should -Be 0
        "$($warnings[0])" | Should -BeLike '*reused with its 0 target node(s), not the 2 asked for*'
    }

    It 'creates no pool and uploads nothing with -WhatIf' {
        $id = New-TestId 'whatif'; $app = New-TestId 'app'
        New-BwPool -Id $id -NodeCount 2 -ApplicationContainer $app -WhatIf | Should -BeNullOrEmpty
        Get-BwPool -Id $id -ErrorAction SilentlyContinue -ErrorVariable problems | Should -BeNullOrEmpty
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (New-BwContainer $app).Status | Should -Be 'Created'
    }
}

Describe 'Start-BwJob, Wait-BwTask and Get-BwTaskLog' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:Pool = New-BwPool -Id (New-TestId 'jobs') -NodeCount 2 -Program $Worker.Path -ApplicationContainer (New-TestId 'app')
        $script:In = (New-BwContainer (New-TestId 'in')).Name
        $script:Out = (New-BwContainer (New-TestId 'out')).Name
        Wait-Until { (Get-BwPool -Id $Pool.Id).NodeStates.idle -eq 2 } 'both nodes idle'
    }

    It 'adds one task per input whose outputs land in the output container' {
        $job = New-TestId 'job'
        $tasks = 'alpha', 'beta', 'gamma' | ForEach-Object { New-TestInput "$_.txt" $_ } |
            Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $Pool -OutputContainer $Out

        $tasks.TaskId | Should -Be @('topNtask0', 'topNtask1', 'topNtask2')
        $done = $tasks | Wait-BwTask -Timeout 00:01:00
        $done.Result | Sort-Object -Unique | Should -Be 'success'
        $files = $done | Receive-BwOutput -Destination (Join-Path $TestDrive $job)
        $files.Name | Sort-Object | Should -Be @('alpha_OUTPUT.txt', 'beta_OUTPUT.txt', 'gamma_OUTPUT.txt')
        (Get-BwJob -Id $job).SucceededTasks | Should -Be 3
    }

    It 'reports a task that exits 3 as failed, with its exit code and stderr, and emits it too' {
        $job = New-TestId 'fail'
        $done = @((New-TestInput 'good.txt' 'good'), (New-TestInput 'bad.txt' 'exit 3')) | Publish-BwInput -Container $In |
            Start-BwJob -JobId $job -Pool $Pool -OutputContainer $Out | Wait-BwTask -ErrorVariable failures -ErrorAction SilentlyContinue

        $bad = $done | Where-Object InputBlobName -EQ 'bad.txt'
        $bad.State | Should -Be 'completed'
        $bad.Result | Should -Be 'failure'
        $bad.ExitCode | Should -Be 3
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'TaskFailed,BatchWords.PowerShell.WaitBwTaskCommand'
        $failures[0].Exception.Message | Should -BeLike '*exit code 3*fake-worker: bad.txt asks for exit code 3*'
        Get-BwTaskLog -JobId $job -TaskId $bad.TaskId -Stream stderr | Should -BeLike 'fake-worker: bad.txt asks for exit code 3*'
        Get-BwTaskLog -JobId $job -TaskId $bad.TaskId | Should -BeLike 'fake-worker: task topNtask0 read bad.txt*'
    }

    It 'downloads the other outputs in the same pipeline and only warns about the failed task''s missing output' {
        $job = New-TestId 'failpipe'
        $destination = Join-Path $TestDrive $job
        $files = @((New-TestInput 'fine.txt' 'good'), (New-TestInput 'broken.txt' 'exit 3')) | Publish-BwInput -Container $In |
            Start-BwJob -JobId $job -Pool $Pool -OutputContainer $Out |
            Wait-BwTask -ErrorVariable failures -ErrorAction SilentlyContinue |
            Receive-BwOutput -Destination $destination -ErrorVariable downloadFailures -WarningVariable warnings -WarningAction SilentlyContinue

        $files.Name | Should -Be 'fine_OUTPUT.txt'
        $failures.Count | Should -Be 1
        $downloadFailures.Count | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*broken_OUTPUT.txt*its task failed*'
    }

    It 'stops at the timeout with an error naming the unfinished task' {
        $job = New-TestId 'timeout'
        $tasks = New-TestInput 'nap.txt' 'sleep' | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $Pool -OutputContainer $Out

        { $tasks | Wait-BwTask -Timeout 00:00:03 -ErrorAction Stop } | Should -Throw "*did not complete within 00:00:03: topNtask0 (running)*"
        Remove-BwJob $job -Force
    }

    It 'waits for a whole job with -JobId alone, polling with $filter and $select' {
        $job = New-TestId 'whole'
        $null = @((New-TestInput 'w1.txt' 'w1'), (New-TestInput 'w2.txt' 'w2')) | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $Pool -OutputContainer $Out

        $all = Wait-BwTask -JobId $job -Verbose 4>&1
        ($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).TaskId | Sort-Object | Should -Be @('topNtask0', 'topNtask1')
        $queries = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Where-Object { $_ -like 'GET /jobs/*/tasks*' }
        $queries | Should -Not -BeNullOrEmpty
        $queries | ForEach-Object { $_ | Should -Match '\$filter=state (eq|ne) ''completed''&\$select=' }
    }
}

Describe 'Remove-BwJob and Remove-BwPool' {
    It 'delete nothing with -WhatIf and without asking with -Force' {
        $pool = New-BwPool -Id (New-TestId 'rm') -NodeCount 0 -ApplicationContainer (New-TestId 'app')
        $job = New-TestId 'rm'
        $null = New-TestInput 'r.txt' 'r' | Publish-BwInput -Container (New-BwContainer (New-TestId 'in')).Name |
            Start-BwJob -JobId $job -Pool $pool -OutputContainer (New-TestId 'out')

        Remove-BwJob $job -WhatIf
        Remove-BwPool $pool.Id -WhatIf -Force
        (Get-BwJob -Id $job).State | Should -Be 'active'
        (Get-BwPool -Id $pool.Id).State | Should -Be 'active'

        Remove-BwJob $job -Force -PassThru | Should -Be $job
        Remove-BwPool $pool.Id -Force -PassThru | Should -Be $pool.Id
    }

    It 'kills the running task processes of a removed job' {
        $worker = New-FakeWorker
        $pool = New-BwPool -Id (New-TestId 'kill') -NodeCount 1 -Program $worker.Path -ApplicationContainer (New-TestId 'app')
        $job = New-TestId 'kill'
        $null = New-TestInput 's.txt' 'sleep' | Publish-BwInput -Container (New-BwContainer (New-TestId 'in')).Name |
            Start-BwJob -JobId $job -Pool $pool -OutputContainer (New-TestId 'out')
        $pidFile = Join-Path $worker.Pids "$job.topNtask0.pid"
        Wait-Until { Test-Path $pidFile } 'the task is running'
        $taskPid = [int] (Get-Content $pidFile)

        Remove-BwJob $job -Force

        Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
        Remove-BwPool $pool.Id -Force
    }
}

Describe 'Remove-BwContainer next to a live pool' {
    It 'keeps a container a live pool''s start task downloads from unless -Force, which warns' {
        $app = New-TestId 'app'
        $pool = New-BwPool -Id (New-TestId 'guard') -NodeCount 0 -ApplicationContainer $app

        Remove-BwContainer $app -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'ContainerUsedByPool,BatchWords.PowerShell.RemoveBwContainerCommand'
        (New-BwContainer $app).Status | Should -Be 'Existing'

        Remove-BwContainer $app -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -BeLike "*used by the start task of pool(s) '$($pool.Id)'*"
        (New-BwContainer $app).Status | Should -Be 'Created'
        Remove-BwPool $pool.Id -Force
    }
}
