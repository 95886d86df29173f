#Requires -Version 7.4
<#
    Pester 5 suite: capacity and cost. Spot nodes (New-BwPool -SpotNodeCount), Resize-BwPool, autoscale
    (New-BwPool -AutoScaleFormula, Enable-/Disable-/Test-BwAutoScale), the node inventory (Get-BwNode, Get-BwNodeLog)
    and Spot preemption rehearsed on the local emulator: its emulator-only hook (POST /emulator/pools/{id}/preempt,
    not part of the Batch API) takes running Spot nodes away mid-run, and the tests check that every task's output
    arrives exactly once and right, with the requeues counted.

    What the service holds is read back through the Shared Key probes of tests/TestSupport.ps1, not through the
    module's client. Tasks run tests/fake-worker.sh; an input whose first line is "slow S W" sleeps S seconds
    (still running when its node is preempted) and then writes W as its one word.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = Get-TestModuleManifest
    $script:TestHome = Use-TestHome 'capacity'
    Import-Module $manifest -Force
    $script:Context = Connect-BwAccount
    $script:Made = @{ Jobs = [Collections.Generic.List[string]]::new(); Pools = [Collections.Generic.List[string]]::new(); Containers = [Collections.Generic.List[string]]::new() }

    function New-TestName([ValidateSet('Jobs', 'Pools', 'Containers')] [string] $Kind, [string] $Stem) {
        $id = New-TestId $Stem
        $script:Made[$Kind].Add($id)
        $id
    }

    function Get-TestPool([string] $Id) { (Invoke-TestBatchRequest GET "pools/$Id").Json }
    function Get-TestNodes([string] $Id) { @((Invoke-TestBatchRequest GET "pools/$Id/nodes").Json.value) }

    function Wait-TestPoolReady([string] $Id, [int] $Dedicated, [int] $Spot) {
        # The targets met and every node ready for tasks (idle or running).
        Wait-Until {
            $nodes = Get-TestNodes $Id
            @($nodes | Where-Object { $_.state -in 'idle', 'running' -and $_.isDedicated }).Count -eq $Dedicated -and
                @($nodes | Where-Object { $_.state -in 'idle', 'running' -and -not $_.isDedicated }).Count -eq $Spot -and
                $nodes.Count -eq $Dedicated + $Spot
        } "pool $Id with $Dedicated dedicated and $Spot Spot node(s) ready" 120
    }

    function New-SlowInputs([int] $Count, [int] $Seconds, [string] $Directory) {
        # Inputs whose task sleeps, then writes its own word (word<i>), so a wrong or swapped output shows.
        1..$Count | ForEach-Object { New-TestInput ('part{0:d2}.txt' -f $_) "slow $Seconds word$_`n" $Directory }
    }
}

AfterAll {
    foreach ($id in $script:Made.Jobs) { Remove-BwJob $id -Force -ErrorAction SilentlyContinue }
    foreach ($id in $script:Made.Pools) { Remove-BwPool $id -Force -ErrorAction SilentlyContinue }
    Stop-TestLocalStack $TestHome
}

Describe 'Spot nodes, Resize-BwPool and the node inventory' -Tag 'Integration' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:App = New-TestName Containers 'app'
        $script:Pool = New-TestName Pools 'spot'
        $script:Created = New-BwPool -Id $Pool -NodeCount 1 -SpotNodeCount 2 -Program $Worker.Path -ApplicationContainer $App
        Wait-TestPoolReady $Pool 1 2
    }

    It 'creates a pool with dedicated and Spot targets, as POST /pools targetLowPriorityNodes' {
        $Created.TargetDedicatedNodes | Should -Be 1
        $Created.TargetSpotNodes | Should -Be 2
        $probe = Get-TestPool $Pool
        $probe.targetDedicatedNodes | Should -Be 1
        $probe.targetLowPriorityNodes | Should -Be 2
        $bw = Get-BwPool -Id $Pool
        '{0}/{1} {2}/{3}' -f $bw.CurrentDedicatedNodes, $bw.TargetDedicatedNodes, $bw.CurrentSpotNodes, $bw.TargetSpotNodes | Should -Be '1/1 2/2'
    }

    It 'renders the pool with its dedicated and Spot counts at 80 columns' {
        $run = Invoke-ScriptedHost -Script 'param($Id) Get-BwPool -Id $Id' -Parameters @{ Id = $Pool } -ToHost -Width 80
        $run.Errors | Should -BeNullOrEmpty
        $lines = @($run.HostLines | ForEach-Object Text)
        ($lines | Where-Object { $_.StartsWith('Id ') }) | Should -Match '^Id\s+State\s+Allocation\s+Dedicated\s+Spot\s+Slots\s+VmSize'
        $lines | Where-Object { $_ -match "^$Pool\s+active\s+steady\s+1/1\s+2/2\s+1\s+standard_d2s_v3" } | Should -HaveCount 1
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }

    It 'lists the nodes with their priority, state, tasks and start task result, at 80 columns' {
        $nodes = @(Get-BwNode -Pool $Pool)
        $nodes | Should -HaveCount 3
        @($nodes | Where-Object IsSpot).Count | Should -Be 2
        @($nodes | Where-Object Priority -EQ 'Dedicated').Count | Should -Be 1
        $nodes | ForEach-Object { $_.StartTaskResult | Should -Be 'success'; $_.StartTaskExitCode | Should -Be 0; $_.RunningTasks | Should -Be 0 }
        ($nodes.NodeId | Sort-Object) | Should -Be ((Get-TestNodes $Pool).id | Sort-Object)

        $run = Invoke-ScriptedHost -Script 'param($Id) Get-BwNode -Pool $Id' -Parameters @{ Id = $Pool } -ToHost -Width 80
        $run.Errors | Should -BeNullOrEmpty
        $lines = @($run.HostLines | ForEach-Object Text)
        ($lines | Where-Object { $_.StartsWith('NodeId ') }) | Should -Match '^NodeId\s+State\s+Priority\s+Tasks\s+StartTask$'
        @($lines | Where-Object { $_ -match '^tvm-\S+\s+idle\s+Spot\s+0\s+success$' }).Count | Should -Be 2
        @($lines | Where-Object { $_ -match '^tvm-\S+\s+idle\s+Dedicated\s+0\s+success$' }).Count | Should -Be 1
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }

    It 'shows nothing changes with -WhatIf' {
        $run = Invoke-ScriptedHost -Script 'param($Id) Resize-BwPool -Id $Id -SpotNodeCount 5 -WhatIf' -Parameters @{ Id = $Pool }
        @($run.HostLines | Where-Object Text -Like 'What if:*Resize Batch pool*').Count | Should -Be 1
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 2
    }

    It 'resizes to new dedicated and Spot targets, waits until steady, and refuses a count out of range' {
        $resized = Resize-BwPool -Id $Pool -NodeCount 0 -SpotNodeCount 3 -NodeDeallocationOption taskcompletion -Wait -Timeout 00:02:00
        $resized.AllocationState | Should -Be 'steady'
        '{0}/{1} {2}/{3}' -f $resized.CurrentDedicatedNodes, $resized.TargetDedicatedNodes, $resized.CurrentSpotNodes, $resized.TargetSpotNodes | Should -Be '0/0 3/3'
        $probe = Get-TestPool $Pool
        $probe.targetDedicatedNodes | Should -Be 0
        $probe.targetLowPriorityNodes | Should -Be 3
        @(Get-TestNodes $Pool | Where-Object { -not $_.isDedicated }).Count | Should -Be 3

        { Resize-BwPool -Id $Pool -SpotNodeCount 1001 } | Should -Throw '*1001*'
        Resize-BwPool -Id $Pool -ErrorVariable none -ErrorAction SilentlyContinue
        $none[0].FullyQualifiedErrorId | Should -BeLike 'NoTargetGiven,*'
    }

    It 'resizes a reused pool with New-BwPool -Resize, and only warns without it' {
        Wait-TestPoolReady $Pool 0 3
        $reused = New-BwPool -Id $Pool -NodeCount 0 -SpotNodeCount 1 -Program $Worker.Path -ApplicationContainer $App -WarningVariable warned -WarningAction SilentlyContinue
        $reused.Provisioning | Should -Be 'Reused'
        "$warned" | Should -BeLike '*0 + 1 asked for*-Resize*'
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 3

        $resized = New-BwPool -Id $Pool -NodeCount 0 -SpotNodeCount 2 -Resize -Program $Worker.Path -ApplicationContainer $App -WarningVariable again -WarningAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $resized.TargetSpotNodes | Should -Be 2
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 2
    }

    It 'finds the node whose start task failed and reads its stderr with Get-BwNodeLog' {
        Wait-Until { (Get-TestPool $Pool).allocationState -eq 'steady' } "pool $Pool steady" 60
        # The program blob replaced after the upload: a node that joins now fails the start task's SHA-256 check.
        $blob = (Get-TestPool $Pool).startTask.resourceFiles[0].httpUrl
        $name = ([uri]$blob).AbsolutePath.Substring("/devstoreaccount1/$App/".Length)
        Set-ProbeBlob $App $name "#!/bin/sh`necho tampered`n"
        $null = Resize-BwPool -Id $Pool -SpotNodeCount 3
        Wait-Until { @(Get-BwNode -Pool $Pool | Where-Object State -EQ 'starttaskfailed').Count -eq 1 } 'one node starttaskfailed' 120

        $failed = @(Get-BwNode -Pool $Pool | Where-Object StartTaskResult -EQ 'failure')
        $failed | Should -HaveCount 1
        $failed[0].StartTaskExitCode | Should -Be 86
        $failed[0].IsSpot | Should -BeTrue
        $failed[0].Errors | Should -Match 'StartTaskFailed'

        $stderr = $failed | Get-BwNodeLog -Stream stderr
        $stderr | Should -BeLike '*ProgramIntegrityCheckFailed*'
        $stderr | Should -Be (Invoke-TestBatchRequest GET "pools/$Pool/nodes/$($failed[0].NodeId)/files/startup/stderr.txt" -Raw).Text
        Get-BwNodeLog -PoolId $Pool -NodeId $failed[0].NodeId | Should -Be (Invoke-TestBatchRequest GET "pools/$Pool/nodes/$($failed[0].NodeId)/files/startup/stdout.txt" -Raw).Text
    }
}

Describe 'Autoscale: New-BwPool -AutoScaleFormula, Enable-, Disable- and Test-BwAutoScale' -Tag 'Integration' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:App = New-TestName Containers 'app'
        $script:Pool = New-TestName Pools 'auto'
        $script:Created = New-BwPool -Id $Pool -Program $Worker.Path -ApplicationContainer $App -AutoScaleFormula '$TargetDedicatedNodes = 0; $TargetLowPriorityNodes = 2;' -AutoScaleEvaluationInterval 00:05:00
    }

    It 'creates the pool with autoscale on and the formula sizes it at once' {
        $Created.AutoScaleEnabled | Should -BeTrue
        $Created.LastAutoScaleRun.Succeeded | Should -BeTrue
        $probe = Get-TestPool $Pool
        $probe.enableAutoScale | Should -BeTrue
        $probe.autoScaleEvaluationInterval | Should -Be 'PT5M'
        $probe.targetLowPriorityNodes | Should -Be 2
        $probe.autoScaleRun.results | Should -BeLike '$TargetDedicatedNodes=0;$TargetLowPriorityNodes=2;*'
        Wait-TestPoolReady $Pool 0 2
    }

    It 'evaluates a documented formula without applying it' {
        $formula = @'
$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 15);
$tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max($PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 15)));
$targetVMs = $tasks > 0 ? $tasks : max(0, $TargetLowPriorityNodes / 2);
$TargetLowPriorityNodes = max(0, min($targetVMs, 20));
$NodeDeallocationOption = taskcompletion;
'@
        $run = Test-BwAutoScale -Id $Pool -AutoScaleFormula $formula
        $run.Succeeded | Should -BeTrue
        $run.TargetSpotNodes | Should -Be 1   # nothing pending: half of the current 2
        $run.NodeDeallocationOption | Should -Be 'taskcompletion'
        $run.Variables['$tasks'] | Should -Be '0'
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 2
    }

    It 'names the construct the emulator does not support' {
        $run = Test-BwAutoScale -Id $Pool -AutoScaleFormula '$TargetLowPriorityNodes = percentile($PendingTasks.GetSample(10), 50);' -ErrorVariable failed -ErrorAction SilentlyContinue
        $run.Succeeded | Should -BeFalse
        $run.ErrorCode | Should -Be 'UnsupportedFunction'
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AutoScaleFormulaFailed,*'
        "$($failed[0])" | Should -BeLike '*percentile*'
    }

    It 'refuses a hand resize while autoscale is on, and changes the formula with Enable-BwAutoScale' {
        Resize-BwPool -Id $Pool -SpotNodeCount 1 -ErrorVariable refused -ErrorAction SilentlyContinue
        "$($refused[0])" | Should -BeLike '*auto scaling*'
        $enabled = Enable-BwAutoScale -Id $Pool -AutoScaleFormula '$TargetLowPriorityNodes = 1; $TargetDedicatedNodes = 0;'
        $enabled.TargetSpotNodes | Should -Be 1
        $enabled.AutoScaleFormula | Should -Be '$TargetLowPriorityNodes = 1; $TargetDedicatedNodes = 0;'
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 1
    }

    It 'turns autoscale off, after which the pool keeps its targets and evaluation is refused' {
        $disabled = Disable-BwAutoScale -Id $Pool
        $disabled.AutoScaleEnabled | Should -BeFalse
        (Get-TestPool $Pool).enableAutoScale | Should -BeFalse
        (Get-TestPool $Pool).targetLowPriorityNodes | Should -Be 1
        Test-BwAutoScale -Id $Pool -AutoScaleFormula '$TargetLowPriorityNodes = 3;' -ErrorVariable refused -ErrorAction SilentlyContinue
        "$($refused[0])" | Should -BeLike '*not enabled*'
    }
}

Describe 'Spot preemption rehearsed on the emulator' -Tag 'Integration', 'Slow' {
    BeforeAll {
        # Named like the bundled worker so that Invoke-BwTutorial reuses this pool (it installs another build).
        $script:Worker = New-FakeWorker -Name 'batchwords-worker'
        $script:App = 'application'
    }

    It 'requeues the tasks of preempted nodes, and Wait-BwTask returns every task once with every output right' {
        $spotPool = New-TestName Pools 'preempt'
        $job = New-TestName Jobs 'preempt'
        $in = (New-BwContainer (New-TestName Containers 'in')).Name
        $out = (New-BwContainer (New-TestName Containers 'out')).Name
        $null = New-BwPool -Id $spotPool -NodeCount 0 -SpotNodeCount 3 -Program $Worker.Path -ApplicationContainer $App
        Wait-TestPoolReady $spotPool 0 3
        $inputs = New-SlowInputs 12 2 (Join-Path $TestDrive 'preempt-inputs')

        $preemptions = Start-TestPreemption $spotPool -Times 4 -EverySeconds 1.5
        $started = $inputs | Publish-BwInput -Container $in | Start-BwJob -JobId $job -Pool $spotPool -OutputContainer $out
        $finished = @(Wait-BwTask -JobId $job -Timeout 00:03:00 -InformationVariable info)
        $preempted = @($preemptions | Wait-Job -Timeout 60 | Receive-Job)
        $preemptions | Remove-Job -Force

        # Four nodes were preempted while running tasks; none of those tasks is lost, failed or counted twice.
        $preempted | Should -HaveCount 4
        $finished | Should -HaveCount 12
        ($finished.TaskId | Sort-Object -Unique) | Should -HaveCount 12
        ($finished.TaskId | Sort-Object) | Should -Be ($started.TaskId | Sort-Object)
        $finished | ForEach-Object { $_.Succeeded | Should -BeTrue; $_.RetryCount | Should -Be 0 }
        $requeues = ($finished | Measure-Object RequeueCount -Sum).Sum
        $requeues | Should -BeGreaterOrEqual 4
        # The service counts them as requeues (executionInfo.requeueCount), not retries.
        $serviceRequeues = 0
        foreach ($task in $finished) {
            $execution = (Invoke-TestBatchRequest GET "jobs/$job/tasks/$($task.TaskId)").Json.executionInfo
            $execution.retryCount | Should -Be 0
            $execution.requeueCount | Should -Be $task.RequeueCount
            $serviceRequeues += $execution.requeueCount
        }
        $serviceRequeues | Should -Be $requeues
        "$info" | Should -BeLike "*of 12 task(s) were requeued ($requeues requeue(s) in all)*"

        # Every output exactly once, with the word of its own input.
        $blobs = @(Get-ProbeBlobList $out)
        $blobs | Should -HaveCount 12
        foreach ($i in 1..12) {
            $name = 'part{0:d2}_OUTPUT.txt' -f $i
            $blobs | Should -Contain $name
            [Text.Encoding]::UTF8.GetString((Get-ProbeBlob $out $name)) | Should -Match "(?m)^word$i`:\t1$"
        }

        # The preempted nodes were replaced: the Spot target is met again.
        Wait-TestPoolReady $spotPool 0 3
        $nodes = Get-TestNodes $spotPool
        @($nodes.id | Where-Object { $_ -in $preempted }) | Should -BeNullOrEmpty
    }

    It 'runs the tutorial on a Spot-only pool with preemptions and returns every result once and right' {
        $spotPool = New-TestName Pools 'tutspot'
        $job = New-TestName Jobs 'tutspot'
        $null = New-BwPool -Id $spotPool -NodeCount 0 -SpotNodeCount 3 -Program $Worker.Path -ApplicationContainer $App
        Wait-TestPoolReady $spotPool 0 3
        $directory = Join-Path $TestDrive 'tutorial-inputs'
        $null = New-SlowInputs 9 2 $directory

        $preemptions = Start-TestPreemption $spotPool -Times 3 -EverySeconds 1.5
        $results = @(Invoke-BwTutorial -Path (Join-Path $directory '*.txt') -PoolId $spotPool -JobId $job -NodeCount 0 -SpotNodeCount 3 -KeepPool `
            -Destination (Join-Path $TestDrive 'tutorial-out') -InformationVariable said 6>$null)
        $preempted = @($preemptions | Wait-Job -Timeout 60 | Receive-Job)
        $preemptions | Remove-Job -Force

        $preempted | Should -HaveCount 3
        $results | Should -HaveCount 9
        ($results.TaskId | Sort-Object -Unique) | Should -HaveCount 9
        foreach ($result in $results) {
            $result.Succeeded | Should -BeTrue
            $i = [int]([IO.Path]::GetFileNameWithoutExtension($result.Input) -replace '^part')
            "$($result.TopWords)" | Should -Be "word$i 1"
        }
        $requeues = ($results | Measure-Object RequeueCount -Sum).Sum
        $requeues | Should -BeGreaterOrEqual 3
        @($said.MessageData | ForEach-Object { "$_" }) | Should -Contain "  $(@($results | Where-Object RequeueCount -GT 0).Count) of 9 task(s) were requeued ($requeues requeue(s) in all) because their node was preempted or removed; Batch ran them again, and each result is counted once."
        @(Get-ChildItem (Join-Path $TestDrive 'tutorial-out') -Filter '*_OUTPUT.txt') | Should -HaveCount 9
    }
}

Describe 'Random Spot preemption (BATCHWORDS_EMULATOR_PREEMPTION)' -Tag 'Integration', 'Slow' {
    BeforeAll {
        # A local stack of its own, whose emulator starts with random preemption on (the variable is read when the
        # emulator starts): every second, each running Spot node is preempted with probability 0.3.
        $script:PreviousPreemption = $env:BATCHWORDS_EMULATOR_PREEMPTION
        $env:BATCHWORDS_EMULATOR_PREEMPTION = 'rate=0.3;every=1;seed=7'
        $script:RandomHome = Use-TestHome 'capacity-random'
        Import-Module (Get-TestModuleManifest) -Force
        $null = Connect-BwAccount
        $script:Worker = New-FakeWorker
    }
    AfterAll {
        Stop-TestLocalStack $RandomHome
        $env:BATCHWORDS_EMULATOR_PREEMPTION = $PreviousPreemption
        # Back on the suite's own stack for its AfterAll.
        Import-Module (Get-TestModuleManifest) -Force
        $null = Connect-BwAccount
    }

    It 'preempts running Spot nodes at random, and every task still completes once with its own output' {
        $pool = New-TestId 'random'
        $job = New-TestId 'random'
        $in = (New-BwContainer (New-TestId 'in')).Name
        $out = (New-BwContainer (New-TestId 'out')).Name
        $null = New-BwPool -Id $pool -NodeCount 0 -SpotNodeCount 2 -Program $Worker.Path -ApplicationContainer (New-TestId 'app')
        Wait-TestPoolReady $pool 0 2

        $finished = @(New-SlowInputs 8 2 (Join-Path $TestDrive 'random-inputs') | Publish-BwInput -Container $in |
                Start-BwJob -JobId $job -Pool $pool -OutputContainer $out | Wait-BwTask -Timeout 00:03:00)

        $finished | Should -HaveCount 8
        $finished | ForEach-Object { $_.Succeeded | Should -BeTrue; $_.RetryCount | Should -Be 0 }
        ($finished | Measure-Object RequeueCount -Sum).Sum | Should -BeGreaterThan 0
        $blobs = @(Get-ProbeBlobList $out)
        $blobs | Should -HaveCount 8
        foreach ($i in 1..8) {
            [Text.Encoding]::UTF8.GetString((Get-ProbeBlob $out ('part{0:d2}_OUTPUT.txt' -f $i))) | Should -Match "(?m)^word$i`:\t1$"
        }
        Remove-BwJob $job -Force
        Remove-BwPool $pool -Force
    }
}
