#Requires -Version 7.4
<#
    Pester 5 suite: the Batch cmdlets (New-BwPool, Get-BwPool, Start-BwJob, Get-BwJob, Get-BwTask, Wait-BwTask,
    Get-BwTaskLog, Remove-BwJob, Remove-BwPool, and Remove-BwContainer's guard for a live pool) against the local
    stack: Azurite and the BatchWords emulator, whose tasks run as local processes.

        ./build.ps1 -Task Test      # or: Invoke-Pester ./tests/Batch.Tests.ps1 after ./build.ps1 -Task Build

    What the tests assert about pools, jobs, tasks and blobs is read back through probes of this suite (plain
    HTTP with Shared Key signing, Send-TestProbe below), not through the module's own clients, so a bug in the
    module cannot hide behind the same code checking it. Prompts, "What if:" text, progress and Ctrl+C go through
    Invoke-ScriptedHost. Tasks that are not about the bundled worker run tests/fake-worker.sh (New-BwPool
    -Program), whose behaviour is chosen by the first line of its input: 'exit N' fails with code N, 'sleep'
    sleeps, anything else succeeds. The shared helpers are in tests/TestSupport.ps1.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = Get-TestModuleManifest
    $script:BundledWorker = Join-Path (Split-Path -Parent $manifest) 'payload/linux-x64/batchwords-worker'

    function Get-ProgramBlobName([string] $Path) {
        # The program's blob in the application container is content-addressed: sha256-{16 hex digits}/{file name}.
        $sha = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant()
        "sha256-$($sha.Substring(0, 16))/$(Split-Path -Leaf $Path)"
    }
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'batch'
    Import-Module $manifest -Force
    $script:Context = Connect-BwAccount

    # --- Independent checks through the probes of tests/TestSupport.ps1 (Shared Key signed, not the module's code). ---
    $script:BlobEndpoint = $Context.BlobEndpoint.ToString().TrimEnd('/')
    $script:BatchEndpoint = $Context.BatchEndpoint.ToString().TrimEnd('/')

    function Send-TestProbe([ValidateSet('Blob', 'Batch')] [string] $Service, [string] $Path, [string] $Method = 'GET') {
        # Status and Body (bytes); 404 is an answer, not an error.
        if ($Service -eq 'Blob') { return Invoke-TestStorageRequest $Method $Path -Accept 404 }
        $response = Invoke-TestBatchRequest $Method $Path -Accept 404
        [pscustomobject]@{ Status = $response.Status; Body = [Text.Encoding]::UTF8.GetBytes($response.Text) }
    }

    function Get-TestBatchObject([string] $Path) {
        # The pool, job or task as the emulator returns it (parsed JSON), or $null when there is none.
        $response = Send-TestProbe Batch $Path
        if ($response.Status -eq 404) { return $null }
        [Text.Encoding]::UTF8.GetString($response.Body) | ConvertFrom-Json
    }

    function Get-TestBatchList([string] $Path, [string] $Select) {
        # Every item of a Batch list, following odata.nextLink.
        $next = "$Path`?`$select=$Select"
        while ($next) {
            $page = [Text.Encoding]::UTF8.GetString((Send-TestProbe Batch $next).Body) | ConvertFrom-Json
            $page.value
            $next = $page.'odata.nextLink'
            if ($next) { $next = $next.Substring($BatchEndpoint.Length + 1) }
        }
    }

    function Get-TestNode([string] $PoolId) { Get-TestBatchList "pools/$PoolId/nodes" 'id,state' }
    function Get-TestPoolState([string] $Id) { (Get-TestBatchObject "pools/$Id").state }
    function Get-TestJobState([string] $Id) { (Get-TestBatchObject "jobs/$Id").state }
    function Test-Gone([AllowNull()] [string] $State) { -not $State -or $State -eq 'deleting' }

    function Wait-TestNodesIdle([string] $PoolId, [int] $Count) {
        # Nodes ready before tasks come, so each task runs as soon as it is added (and spreads over the nodes).
        Wait-Until { @(Get-TestNode $PoolId | Where-Object state -EQ 'idle').Count -eq $Count } "$Count node(s) of $PoolId idle" 180
    }

    function Get-TestBlob([string] $Container, [string] $Name) {
        # The blob's bytes, or $null when it does not exist.
        $response = Send-TestProbe Blob "$Container/$Name"
        if ($response.Status -eq 404) { return $null }
        , $response.Body
    }

    function Get-TestBlobText([string] $Container, [string] $Name) { [Text.Encoding]::UTF8.GetString((Get-TestBlob $Container $Name)) }

    function Get-TestBlobName([string] $Container) {
        [xml] $list = [Text.Encoding]::UTF8.GetString((Send-TestProbe Blob "$Container`?restype=container&comp=list").Body)
        @($list.EnumerationResults.Blobs.Blob | ForEach-Object Name)
    }

    function Test-TestContainer([string] $Container) { (Send-TestProbe Blob "$Container`?restype=container").Status -eq 200 }

    function Get-TestQueryValue([uri] $Uri, [string] $Name) {
        $match = [regex]::Match($Uri.Query, "(?:^\?|&)$Name=([^&]*)")
        if ($match.Success) { [uri]::UnescapeDataString($match.Groups[1].Value) }
    }

    # --- What the tests make, removed in AfterEach (or AfterAll for what a Describe shares). ---
    $script:Made = @{ Jobs = [Collections.Generic.List[string]]::new(); Pools = [Collections.Generic.List[string]]::new(); Containers = [Collections.Generic.List[string]]::new() }
    $script:Shared = @{ Jobs = [Collections.Generic.List[string]]::new(); Pools = [Collections.Generic.List[string]]::new(); Containers = [Collections.Generic.List[string]]::new() }

    function New-TestName([ValidateSet('Jobs', 'Pools', 'Containers')] [string] $Kind, [string] $Stem, [switch] $Shared) {
        # A unique id, registered for removal.
        $id = New-TestId $Stem
        $(if ($Shared) { $script:Shared } else { $script:Made })[$Kind].Add($id)
        $id
    }

    function Clear-TestMade([switch] $Shared) {
        # Jobs first (their task processes end), then pools, then containers (no pool guards them any more).
        $made = if ($Shared) { $script:Shared } else { $script:Made }
        foreach ($id in $made.Jobs) { Remove-BwJob $id -Force -ErrorAction SilentlyContinue }
        foreach ($id in $made.Pools) { Remove-BwPool $id -Force -ErrorAction SilentlyContinue }
        foreach ($id in $made.Containers) { Remove-BwContainer $id -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        foreach ($list in $made.Values) { $list.Clear() }
    }

    function Split-TestVerbose([object[]] $All) {
        # Output and verbose messages of a command run with -Verbose 4>&1.
        [pscustomobject]@{
            Output  = @($All | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] })
            Verbose = @($All | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        }
    }

    function Get-WhatIfLine($Run) { @($Run.HostLines | Where-Object { "$($_.Kind)" -eq 'Output' -and $_.Text -like 'What if:*' } | ForEach-Object Text) }

    function Split-TestOutput([object[]] $Output) {
        # The parts of an output between the '--' markers a script wrote.
        $parts = [Collections.Generic.List[object]]::new()
        $current = [Collections.Generic.List[object]]::new()
        foreach ($item in $Output) {
            if ($item -is [string] -and $item -eq '--') { $parts.Add($current.ToArray()); $current = [Collections.Generic.List[object]]::new() }
            else { $current.Add($item) }
        }
        $parts.Add($current.ToArray())
        , $parts.ToArray()
    }
}

AfterAll {
    Get-BwJob -ErrorAction SilentlyContinue | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool -ErrorAction SilentlyContinue | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'New-BwPool' -Tag 'Integration', 'Slow' {
    AfterEach { Clear-TestMade }

    It 'creates a two-node pool whose start task installs the bundled worker from the application container' {
        $id = New-TestName Pools 'two'; $app = New-TestName Containers 'app'

        $run = Split-TestVerbose (New-BwPool -Id $id -NodeCount 2 -ApplicationContainer $app -Verbose 4>&1)

        $run.Output.Count | Should -Be 1
        $made = $run.Output[0]
        $made.GetType().FullName | Should -Be 'BatchWords.BwPool'
        $made.Id | Should -Be $id
        $made.Provisioning | Should -Be 'Created'
        $made.TargetNodes | Should -Be 2
        $made.Program | Should -Be 'batchwords-worker'
        $made.ApplicationContainer | Should -Be $app
        $made.StartTaskContainers | Should -Be @($app)
        $run.Verbose | Where-Object { $_.StartsWith("POST /pools (id '$id', 2 x standard_d2s_v3") } | Should -Not -BeNullOrEmpty
        # The bundled payload, byte for byte, in the application container, under its content-addressed name, and
        # the pool records the full hash its start task checks.
        $made.ProgramSha256 | Should -Be (Get-FileHash -LiteralPath $BundledWorker -Algorithm SHA256).Hash.ToLowerInvariant()
        $blob = Get-TestBlob $app (Get-ProgramBlobName $BundledWorker)
        [Convert]::ToBase64String($blob) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($BundledWorker)))

        $service = Get-TestBatchObject "pools/$id"
        $service | Should -Not -BeNullOrEmpty
        $service.targetDedicatedNodes | Should -Be 2
        $service.startTask.commandLine | Should -Match ([regex]::Escape('$AZ_BATCH_NODE_SHARED_DIR/batchwords-worker'))
        $service.startTask.waitForSuccess | Should -BeTrue
        @($service.startTask.resourceFiles).Count | Should -Be 1
        $service.startTask.resourceFiles[0].filePath | Should -Be 'batchwords-worker'
        $service.startTask.resourceFiles[0].httpUrl | Should -BeLike "$BlobEndpoint/$app/$(Get-ProgramBlobName $BundledWorker)?*"
        $service.startTask.commandLine | Should -Match 'sha256sum -c'

        # Both nodes run the start task to success and become idle.
        Wait-TestNodesIdle $id 2
        @(Get-TestNode $id).Count | Should -Be 2
    }

    It 'takes the VM size, task slots and image it is given' {
        $id = New-TestName Pools 'shape'

        $made = New-BwPool -Id $id -VmSize standard_d4s_v3 -NodeCount 1 -TaskSlotsPerNode 4 -Image canonical/ubuntu-24_04-lts/serv -ApplicationContainer (New-TestName Containers 'app')

        $made.VmSize | Should -Be 'standard_d4s_v3'
        $made.TaskSlotsPerNode | Should -Be 4
        $made.Image | Should -Be 'canonical/ubuntu-24_04-lts/server'
        $service = Get-TestBatchObject "pools/$id"
        $service.taskSlotsPerNode | Should -Be 4
        $service.virtualMachineConfiguration.nodeAgentSKUId | Should -Be 'batch.node.ubuntu 24.04'
    }

    It 'installs the program given with -Program instead of the worker' {
        $id = New-TestName Pools 'prog'; $app = New-TestName Containers 'app'
        $program = New-FakeWorker

        $made = New-BwPool -Id $id -Program $program.Path -ApplicationContainer $app

        $made.Program | Should -Be 'fake-worker'
        [Convert]::ToBase64String((Get-TestBlob $app (Get-ProgramBlobName $program.Path))) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($program.Path)))
        Get-TestBlob $app (Get-ProgramBlobName $BundledWorker) | Should -BeNullOrEmpty
        (Get-TestBatchObject "pools/$id").startTask.commandLine | Should -Match ([regex]::Escape('$AZ_BATCH_NODE_SHARED_DIR/fake-worker'))
    }

    It 'reuses a compatible pool instead of failing and refuses an incompatible one' {
        $id = New-TestName Pools 'reuse'; $app = New-TestName Containers 'app'
        $program = New-FakeWorker
        $null = New-BwPool -Id $id -ApplicationContainer $app
        $created = (Get-TestBatchObject "pools/$id").creationTime

        $again = Split-TestVerbose (New-BwPool -Id $id -ApplicationContainer $app -Verbose -WarningVariable againWarnings 4>&1)
        $otherSize = New-BwPool -Id $id -VmSize standard_a1 -ApplicationContainer $app -ErrorVariable sizeErrors -ErrorAction SilentlyContinue
        $otherProgram = New-BwPool -Id $id -Program $program.Path -ApplicationContainer $app -ErrorVariable programErrors -ErrorAction SilentlyContinue
        $otherSlots = New-BwPool -Id $id -TaskSlotsPerNode 2 -ApplicationContainer $app -ErrorVariable slotsErrors -ErrorAction SilentlyContinue
        $otherImage = New-BwPool -Id $id -Image canonical/ubuntu-24_04-lts/server -ApplicationContainer $app -ErrorVariable imageErrors -ErrorAction SilentlyContinue
        $otherCount = New-BwPool -Id $id -NodeCount 3 -ApplicationContainer $app -WarningVariable countWarnings -WarningAction SilentlyContinue

        $again.Output.Count | Should -Be 1
        $again.Output[0].Provisioning | Should -Be 'Reused'
        $again.Verbose | Should -Contain "Pool '$id' exists and is compatible: reusing it."
        $againWarnings.Count | Should -Be 0
        (Get-TestBatchObject "pools/$id").creationTime | Should -Be $created
        @(Get-TestBatchList 'pools' 'id' | Where-Object id -EQ $id).Count | Should -Be 1

        foreach ($case in @(
                @{ Errors = $sizeErrors; Output = $otherSize; Text = 'its VM size is standard_d2s_v3, not standard_a1' },
                @{ Errors = $programErrors; Output = $otherProgram; Text = "it installs 'batchwords-worker', not 'fake-worker'" },
                @{ Errors = $slotsErrors; Output = $otherSlots; Text = 'it has 1 task slot(s) per node, not 2' },
                @{ Errors = $imageErrors; Output = $otherImage; Text = 'its image is canonical/0001-com-ubuntu-server-jammy/22_04*not canonical/ubuntu-24_04-lts/server' })) {
            $case.Output | Should -BeNullOrEmpty
            $case.Errors.Count | Should -Be 1
            $case.Errors[0].FullyQualifiedErrorId | Should -Be 'PoolIncompatible,BatchWords.PowerShell.NewBwPoolCommand'
            $case.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            "$($case.Errors[0].TargetObject)" | Should -Be $id
            # The message names what differs: it is what the user acts on.
            $case.Errors[0].Exception.Message | Should -BeLike "*$($case.Text)*"
        }

        # Another node count still reuses the pool as it is, with a warning that names both counts.
        $otherCount.Provisioning | Should -Be 'Reused'
        $countWarnings.Count | Should -Be 1
        "$($countWarnings[0])" | Should -BeLike '*reused with 1 dedicated + 0 Spot target node(s), not the 3 + 0 asked for. Pass -Resize*'
        (Get-TestBatchObject "pools/$id").targetDedicatedNodes | Should -Be 1
    }

    It 'creates no pool and uploads nothing with -WhatIf' {
        $id = New-TestName Pools 'whatif'; $app = New-TestName Containers 'app'

        $run = Invoke-ScriptedHost -Script 'param($Id, $App) New-BwPool -Id $Id -NodeCount 2 -ApplicationContainer $App -WhatIf' -Parameters @{ Id = $id; App = $app }

        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        Get-WhatIfLine $run | Should -Be "What if: Performing the operation `"Create or reuse Batch pool`" on target `"pool '$id' (2 x standard_d2s_v3, image canonical/0001-com-ubuntu-server-jammy/22_04)`"."
        Get-TestBatchObject "pools/$id" | Should -BeNullOrEmpty
        Test-TestContainer $app | Should -BeFalse
    }

    It 'refuses a -Program that does not exist as InvalidArgument before any request' {
        $id = New-TestName Pools 'noprog'; $app = New-TestName Containers 'app'
        $missing = Join-Path $TestDrive 'no-such-program'

        New-BwPool -Id $id -Program $missing -ApplicationContainer $app -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ProgramNotFound,BatchWords.PowerShell.NewBwPoolCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($problems[0].TargetObject)" | Should -Be $missing
        Get-TestBatchObject "pools/$id" | Should -BeNullOrEmpty
        Test-TestContainer $app | Should -BeFalse
    }

    It 'reports an image the account does not offer as ObjectNotFound and makes no pool' {
        $id = New-TestName Pools 'noimage'

        New-BwPool -Id $id -Image canonical/UbuntuServer/16 -ApplicationContainer (New-TestName Containers 'app') -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'NoMatchingImage,BatchWords.PowerShell.NewBwPoolCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($problems[0].TargetObject)" | Should -Be 'canonical/UbuntuServer/16'
        $problems[0].Exception.Message | Should -BeLike "*No verified Linux image matches 'canonical/UbuntuServer/16'*"
        Get-TestBatchObject "pools/$id" | Should -BeNullOrEmpty
    }
}

Describe 'Get-BwPool' -Tag 'Integration' {
    AfterEach { Clear-TestMade }

    It 'lists every pool and reads one with its node states, by -Id or from the pipeline' {
        $a = New-TestName Pools 'get-a'; $b = New-TestName Pools 'get-b'; $app = New-TestName Containers 'app'
        $null = New-BwPool -Id $a -NodeCount 2 -ApplicationContainer $app
        $null = New-BwPool -Id $b -NodeCount 0 -ApplicationContainer $app
        Wait-TestNodesIdle $a 2

        $all = Get-BwPool
        $one = Get-BwPool -Id $a
        $piped = $b | Get-BwPool

        $all.Id | Should -Contain $a
        $all.Id | Should -Contain $b
        @($one).Count | Should -Be 1
        $one.Provisioning | Should -Be 'Existing'
        $one.CurrentNodes | Should -Be 2
        $one.TargetNodes | Should -Be 2
        $one.NodeStates['idle'] | Should -Be 2
        @($piped).Count | Should -Be 1
        $piped.PoolId | Should -Be $b
    }

    It 'reports a missing pool as ObjectNotFound' {
        $missing = New-TestId 'missing'

        Get-BwPool -Id $missing -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'PoolNotFound,BatchWords.PowerShell.GetBwPoolCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($problems[0].TargetObject)" | Should -Be $missing
    }

    It 'shows the request id and the client request id of a failed request, for support' {
        $missing = New-TestId 'missing'

        $problem = { Get-BwPool -Id $missing -ErrorAction Stop } | Should -Throw -PassThru

        # The emulator answers with request-id and echoes client-request-id, as the Batch service does.
        $problem.Exception.RequestId | Should -Match '^[0-9a-f-]{36}$'
        $problem.Exception.ClientRequestId | Should -Match '^[0-9a-f-]{36}$'
        $problem.Exception.RequestId | Should -Not -Be $problem.Exception.ClientRequestId
        $shown = "Request id: $($problem.Exception.RequestId), client request id: $($problem.Exception.ClientRequestId)."
        $problem.ErrorDetails.Message | Should -BeLike "*$shown"
        ($problem | Out-String) | Should -BeLike "*$($problem.Exception.RequestId)*"
        $problem.ErrorDetails.RecommendedAction | Should -BeLike '*Get-BwPool*'
    }
}

Describe 'Start-BwJob, Get-BwJob and Get-BwTask' -Tag 'Integration', 'Slow' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:JobPool = New-TestName Pools 'jobs' -Shared
        $null = New-BwPool -Id $JobPool -NodeCount 2 -Program $Worker.Path -ApplicationContainer (New-TestName Containers 'app' -Shared)
        Wait-TestNodesIdle $JobPool 2
    }
    AfterEach { Clear-TestMade }
    AfterAll { Clear-TestMade -Shared }

    BeforeEach {
        $script:In = (New-BwContainer (New-TestName Containers 'in')).Name
        $script:Out = (New-BwContainer (New-TestName Containers 'out')).Name
    }

    It 'creates the job and one task per input whose outputs land in the output container' {
        $job = New-TestName Jobs 'job'
        $files = 'gamma', 'alpha', 'beta' | ForEach-Object { New-TestInput "$_.txt" $_ }

        $run = Split-TestVerbose ($files | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $JobPool -OutputContainer $Out -Top 5 -Verbose 4>&1)

        # One BwTask per input, numbered in the order of the input names (taskdata1 is topNtask0, as in the tutorial).
        $run.Output | ForEach-Object { $_.GetType().FullName | Should -Be 'BatchWords.BwTask' }
        $run.Output | ForEach-Object { '{0} {1} {2}' -f $_.TaskId, $_.InputBlobName, $_.OutputBlobName } |
            Should -Be @('topNtask0 alpha.txt alpha_OUTPUT.txt', 'topNtask1 beta.txt beta_OUTPUT.txt', 'topNtask2 gamma.txt gamma_OUTPUT.txt')
        $run.Output | ForEach-Object { '{0} {1} {2} {3}' -f $_.JobId, $_.InputContainer, $_.OutputContainer, $_.PoolId } | Sort-Object -Unique |
            Should -Be "$job $In $Out $JobPool"
        $run.Verbose | Should -Contain "POST /jobs (id '$job', pool '$JobPool')."

        # As the service holds them: the job on the pool; per task, the input as a read-only resource file and
        # the output uploaded on success to the output container through a write-only container SAS.
        (Get-TestBatchObject "jobs/$job").poolInfo.poolId | Should -Be $JobPool
        $task = Get-TestBatchObject "jobs/$job/tasks/topNtask0"
        $task.commandLine | Should -Match ([regex]::Escape('"$AZ_BATCH_NODE_SHARED_DIR/fake-worker" --filepath "alpha.txt" --numwords 5'))
        @($task.resourceFiles).Count | Should -Be 1
        $task.resourceFiles[0].filePath | Should -Be 'alpha.txt'
        $inputUrl = [uri]$task.resourceFiles[0].httpUrl
        $inputUrl.AbsolutePath | Should -Be "/devstoreaccount1/$In/alpha.txt"
        Get-TestQueryValue $inputUrl 'sp' | Should -BeExactly 'r'
        @($task.outputFiles).Count | Should -Be 1
        $outputFile = $task.outputFiles[0]
        $outputFile.filePattern | Should -Be 'alpha_OUTPUT.txt'
        $outputFile.uploadOptions.uploadCondition | Should -Be 'tasksuccess'
        $outputFile.destination.container.path | Should -Be 'alpha_OUTPUT.txt'
        $outputUrl = [uri]$outputFile.destination.container.containerUrl
        $outputUrl.AbsolutePath | Should -Be "/devstoreaccount1/$Out"
        # Write (and create) only: a task cannot read, list or delete what other tasks wrote.
        Get-TestQueryValue $outputUrl 'sp' | Should -MatchExactly '^c?w$'

        # Once they ran, the outputs are in the output container, written by the task that was given the input.
        $null = Wait-BwTask -JobId $job -Timeout 00:01:00
        Get-TestBlobName $Out | Sort-Object -CaseSensitive | Should -Be @('alpha_OUTPUT.txt', 'beta_OUTPUT.txt', 'gamma_OUTPUT.txt')
        $text = Get-TestBlobText $Out 'beta_OUTPUT.txt'
        $text | Should -BeLikeExactly "*beta:`t1*"
        $text | Should -BeLikeExactly '*Task: topNtask1*'
        $text | Should -BeLikeExactly "*Pool: $JobPool*"
    }

    It 'feeds Wait-BwTask and Receive-BwOutput in one pipeline' {
        $job = New-TestName Jobs 'pipe'
        $tasks = 'alpha', 'beta', 'gamma' | ForEach-Object { New-TestInput "$_.txt" $_ } |
            Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $JobPool -OutputContainer $Out

        $files = $tasks | Wait-BwTask -Timeout 00:01:00 | Receive-BwOutput -Destination (Join-Path $TestDrive $job)

        $files.Name | Sort-Object | Should -Be @('alpha_OUTPUT.txt', 'beta_OUTPUT.txt', 'gamma_OUTPUT.txt')
        Get-Content -Raw ($files | Where-Object Name -EQ 'gamma_OUTPUT.txt').FullName | Should -BeLikeExactly "*gamma:`t1*"
        (Get-BwJob -Id $job).SucceededTasks | Should -Be 3
    }

    It 'takes -Pool as a BwPool object or a plain id' {
        $job = New-TestName Jobs 'byobject'; $second = New-TestName Jobs 'byid'
        $inputs = Publish-BwInput -Container $In -Path (New-TestInput 'one.txt' 'one')

        $made = @($inputs | Start-BwJob -JobId $job -Pool (Get-BwPool -Id $JobPool) -OutputContainer $Out) +
            @($inputs | Start-BwJob -JobId $second -Pool $JobPool -OutputContainer $Out)

        $made.JobId | Should -Be @($job, $second)
        (Get-TestBatchObject "jobs/$job").poolInfo.poolId | Should -Be $JobPool
        (Get-TestBatchObject "jobs/$second").poolInfo.poolId | Should -Be $JobPool
    }

    It 'adds no task twice when run again with the same inputs, and adds the new ones' {
        $job = New-TestName Jobs 'again'
        $a = New-TestInput 'a.txt' 'a'; $b = New-TestInput 'b.txt' 'b'

        $first = @(Publish-BwInput -Container $In -Path $a | Start-BwJob -JobId $job -Pool $JobPool -OutputContainer $Out)
        $again = Split-TestVerbose (Publish-BwInput -Container $In -Path $a, $b | Start-BwJob -JobId $job -Pool $JobPool -OutputContainer $Out -Verbose 4>&1)

        $first.Count | Should -Be 1
        $first[0].TaskId | Should -Be 'topNtask0'
        $again.Output | ForEach-Object { "$($_.TaskId) $($_.InputBlobName)" } | Sort-Object | Should -Be @('topNtask0 a.txt', 'topNtask1 b.txt')
        $again.Verbose | Should -Contain "Input 'a.txt' already has task 'topNtask0' in job '$job': not adding it again."
        (Get-BwTask -JobId $job).TaskId | Sort-Object | Should -Be @('topNtask0', 'topNtask1')
        @(Get-TestBatchList "jobs/$job/tasks" 'id').Count | Should -Be 2
    }

    It 'creates no job and no task with -WhatIf' {
        $job = New-TestName Jobs 'whatif'
        $file = New-TestInput 'w.txt' 'w'

        $run = Invoke-ScriptedHost -Script 'param($File, $In, $Out, $Job, $Pool) Publish-BwInput -Container $In -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out -WhatIf' `
            -Parameters @{ File = $file; In = $In; Out = $Out; Job = $job; Pool = $JobPool }

        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        Get-WhatIfLine $run | Should -Be "What if: Performing the operation `"Create Batch job and tasks`" on target `"job '$job' on pool '$JobPool' (1 task(s), top 3)`"."
        Get-TestBatchObject "jobs/$job" | Should -BeNullOrEmpty
    }

    It 'refuses a job that exists on another pool with a statement-terminating error' {
        $job = New-TestName Jobs 'other'
        $other = New-TestName Pools 'other'
        $null = New-BwPool -Id $other -NodeCount 0 -ApplicationContainer (New-TestName Containers 'app')
        $file = New-TestInput 'x.txt' 'x'

        $run = Invoke-ScriptedHost -Script @'
            param($File, $In, $Out, $Job, $Pool, $Other)
            $inputs = Publish-BwInput -Container $In -Path $File
            $null = $inputs | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out
            $inputs | Start-BwJob -JobId $Job -Pool $Other -OutputContainer $Out
            'went on'
'@ -Parameters @{ File = $file; In = $In; Out = $Out; Job = $job; Pool = $JobPool; Other = $other }

        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be 'JobOnAnotherPool,BatchWords.PowerShell.StartBwJobCommand'
        $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        "$($run.Errors[0].TargetObject)" | Should -Be $job
        $run.Errors[0].Exception.Message | Should -BeLike "*exists on pool '$JobPool', not '$other'*"
        # Statement-terminating: the script itself goes on, and the job keeps its pool and its one task.
        $run.Output | Should -Be 'went on'
        $run.Terminating | Should -BeNullOrEmpty
        (Get-TestBatchObject "jobs/$job").poolInfo.poolId | Should -Be $JobPool
    }

    It 'Get-BwJob counts the tasks and Get-BwTask reads all, one or a filter' {
        $job = New-TestName Jobs 'counts'
        $files = (New-TestInput 'good.txt' 'good'), (New-TestInput 'bad.txt' 'exit 3')
        $null = $files | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $JobPool -OutputContainer $Out |
            Wait-BwTask -Timeout 00:01:00 -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'TaskFailed,BatchWords.PowerShell.WaitBwTaskCommand'

        $jobs = @(Get-BwJob -Id $job) + @(Get-BwJob | Where-Object Id -EQ $job)
        $all = Get-BwJob -Id $job | Get-BwTask
        $one = Get-BwTask -JobId $job -TaskId topNtask1
        $filtered = Get-BwTask -JobId $job -Filter 'executionInfo/exitCode eq 3'

        $jobs.Count | Should -Be 2
        $jobs | ForEach-Object { '{0} {1} {2} {3} {4} {5} {6} {7}' -f $_.Id, $_.PoolId, $_.State, $_.ActiveTasks, $_.RunningTasks, $_.CompletedTasks, $_.SucceededTasks, $_.FailedTasks } |
            Should -Be @("$job $JobPool active 0 0 2 1 1", "$job $JobPool active 0 0 2 1 1")
        $all | ForEach-Object { "$($_.TaskId) $($_.Result) $($_.ExitCode)" } | Sort-Object | Should -Be @('topNtask0 failure 3', 'topNtask1 success 0')
        @($one).Count | Should -Be 1
        "$($one.TaskId) $($one.InputBlobName) $($one.State)" | Should -Be 'topNtask1 good.txt completed'
        @($filtered).Count | Should -Be 1
        "$($filtered.TaskId) $($filtered.FailureCode)" | Should -Be 'topNtask0 FailureExitCode'
    }

    It 'reports Get-BwJob and Get-BwTask of a missing job as ObjectNotFound' {
        $missing = New-TestId 'nojob'

        Get-BwJob -Id $missing -ErrorVariable jobErrors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-BwTask -JobId $missing -ErrorVariable taskErrors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $jobErrors.Count | Should -Be 1
        $jobErrors[0].FullyQualifiedErrorId | Should -Be 'JobNotFound,BatchWords.PowerShell.GetBwJobCommand'
        $jobErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($jobErrors[0].TargetObject)" | Should -Be $missing
        $taskErrors.Count | Should -Be 1
        $taskErrors[0].FullyQualifiedErrorId | Should -Be 'JobNotFound,BatchWords.PowerShell.GetBwTaskCommand'
        $taskErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($taskErrors[0].TargetObject)" | Should -Be $missing
    }
}

Describe 'The bundled worker on a two-node pool' -Tag 'Integration' {
    AfterEach { Clear-TestMade }

    It 'counts the tutorial files, one task on each node' {
        $pool = New-TestName Pools 'worker'; $job = New-TestName Jobs 'worker'
        $in = (New-BwContainer (New-TestName Containers 'in')).Name; $out = (New-BwContainer (New-TestName Containers 'out')).Name
        $null = New-BwPool -Id $pool -NodeCount 2 -ApplicationContainer (New-TestName Containers 'app')
        # Both nodes ready before the tasks come, so each takes one (else the first node up may run them all).
        Wait-TestNodesIdle $pool 2

        $done = [IO.DirectoryInfo]::new($TutorialData).GetFiles('*.txt') | Publish-BwInput -Container $in |
            Start-BwJob -JobId $job -Pool (Get-BwPool $pool) -OutputContainer $out | Wait-BwTask -Timeout 00:01:00

        $done | ForEach-Object { "$($_.TaskId) $($_.Result) $($_.ExitCode)" } | Sort-Object |
            Should -Be @('topNtask0 success 0', 'topNtask1 success 0', 'topNtask2 success 0')
        Get-TestBlobName $out | Sort-Object -CaseSensitive | Should -Be @('taskdata1_OUTPUT.txt', 'taskdata2_OUTPUT.txt', 'taskdata3_OUTPUT.txt')
        Get-TestBlobText $out 'taskdata1_OUTPUT.txt' | Should -BeLikeExactly "*to:`t18`nand:`t17`nyou:`t14`n*"
        Get-TestBlobText $out 'taskdata2_OUTPUT.txt' | Should -BeLikeExactly "*Storage:`t11`nfor:`t8`ndata:`t7`n*"
        Get-TestBlobText $out 'taskdata3_OUTPUT.txt' | Should -BeLikeExactly "*the:`t10`nof:`t8`nand:`t6`n*"
        # Two nodes, so the tasks were spread over both.
        @($done.NodeId | Sort-Object -Unique).Count | Should -Be 2
    }
}

Describe 'Wait-BwTask' -Tag 'Integration', 'Slow' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:WaitPool = New-TestName Pools 'wait' -Shared
        $null = New-BwPool -Id $WaitPool -NodeCount 2 -Program $Worker.Path -ApplicationContainer (New-TestName Containers 'app' -Shared)
        $script:In = (New-BwContainer (New-TestName Containers 'in' -Shared)).Name
        $script:Out = (New-BwContainer (New-TestName Containers 'out' -Shared)).Name
        # Both nodes ready before the tasks come, so a task is running (not waiting for a node) when it is looked at.
        Wait-TestNodesIdle $WaitPool 2

        function Start-TestJob([string] $Job, [object[]] $Files) {
            $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $WaitPool -OutputContainer $Out
        }
    }
    AfterEach {
        Clear-TestMade
        # The next test starts on idle nodes again (a removed job's tasks end).
        Wait-TestNodesIdle $WaitPool 2
    }
    AfterAll { Clear-TestMade -Shared }

    It 'emits each task in its final state and reports a failed one as a non-terminating error with its stderr' {
        $job = New-TestName Jobs 'final'
        $tasks = Start-TestJob $job (New-TestInput 'good.txt' 'good'), (New-TestInput 'bad.txt' 'exit 3')

        $run = Invoke-ScriptedHost -Script "param(`$Tasks) `$Tasks | Wait-BwTask -Timeout 00:01:00; 'went on'" -Parameters @{ Tasks = $tasks }

        $run.Output[-1] | Should -Be 'went on'
        $done = @($run.Output | Select-Object -SkipLast 1)
        $done | ForEach-Object { "$($_.GetType().FullName) $($_.State)" } | Should -Be @('BatchWords.BwTask completed', 'BatchWords.BwTask completed')
        $done | Sort-Object TaskId | ForEach-Object { '{0} {1} {2} {3} {4} {5}' -f $_.TaskId, $_.InputBlobName, $_.Result, $_.ExitCode, $_.FailureCode, $_.Succeeded } |
            Should -Be @('topNtask0 bad.txt failure 3 FailureExitCode False', 'topNtask1 good.txt success 0  True')

        $run.Errors.Count | Should -Be 1
        $error0 = $run.Errors[0]
        $error0.FullyQualifiedErrorId | Should -Be 'TaskFailed,BatchWords.PowerShell.WaitBwTaskCommand'
        $error0.CategoryInfo.Category | Should -Be 'InvalidResult'
        $error0.TargetObject.TaskId | Should -Be 'topNtask0'
        # The message is what the user reads instead of digging: which task, the exit code and its stderr.
        $error0.Exception.Message | Should -BeLikeExactly "*Task 'topNtask0' of job*"
        $error0.Exception.Message | Should -BeLikeExactly '*failed (exit code 3, FailureExitCode)*'
        $error0.Exception.Message | Should -BeLikeExactly "*stderr:`nfake-worker: bad.txt asks for exit code 3*"
        $error0.ErrorDetails.RecommendedAction | Should -BeLike '*Get-BwTaskLog*'
        $run.Terminating | Should -BeNullOrEmpty
    }

    It 'lets the other outputs download in the same pipeline and only warns about the failed task''s missing output' {
        $job = New-TestName Jobs 'failpipe'
        $destination = Join-Path $TestDrive $job

        $files = Start-TestJob $job (New-TestInput 'fine.txt' 'good'), (New-TestInput 'broken.txt' 'exit 3') |
            Wait-BwTask -Timeout 00:01:00 -ErrorVariable failures -ErrorAction SilentlyContinue |
            Receive-BwOutput -Destination $destination -ErrorVariable downloadFailures -WarningVariable warnings -WarningAction SilentlyContinue

        $files.Name | Should -Be 'fine_OUTPUT.txt'
        $failures.Count | Should -Be 1
        $downloadFailures.Count | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*broken_OUTPUT.txt*its task failed*'
    }

    It 'reports progress with the counts and asks only for changed tasks with $filter and $select' {
        $job = New-TestName Jobs 'progress'
        $tasks = Start-TestJob $job (New-TestInput 'one.txt' 'one'), (New-TestInput 'two.txt' 'two'), (New-TestInput 'three.txt' 'exit 2')

        $run = Invoke-ScriptedHost -Script 'param($Tasks) $Tasks | Wait-BwTask -Verbose -ErrorAction SilentlyContinue' -Parameters @{ Tasks = $tasks }

        $run.Output.Count | Should -Be 3
        # "Waiting for job <id>", the id cut with '...' past 32 characters so the countdown keeps its room at 80 columns.
        $activity = "Waiting for job $job"
        if ($activity.Length -gt 32) { $activity = $activity.Substring(0, 29) + '...' }
        $progress = @($run.Progress | Where-Object Activity -EQ $activity)
        $progress | Should -Not -BeNullOrEmpty
        $progress[-1].RecordType | Should -Be 'Completed'
        $processing = @($progress | Where-Object RecordType -EQ 'Processing')
        $processing[-1].StatusDescription | Should -Match '^\d+:\d\d left, 3/3 done, 1 failed$'
        $processing[-1].PercentComplete | Should -Be 100
        # The countdown comes first: it is what an 80-column minimal progress view would otherwise cut.
        $processing | ForEach-Object {
            $_.StatusDescription | Should -Match '^(19|20):\d\d left, \d/3 done, \d failed$'
            # pwsh's minimal view, "activity [status]", fits an 80-column terminal with the countdown in it.
            ('{0} [{1}]' -f $_.Activity, $_.StatusDescription).Length | Should -BeLessOrEqual 80
            $_.SecondsRemaining | Should -BeGreaterThan 1100
        }
        # The host shows the same progress a console would.
        @($run.HostProgress | Where-Object Activity -EQ $activity).Count | Should -Be $progress.Count

        # Every poll starts with the job's task counts and lists at most the tasks completed since the last
        # listing (issue 12, finding 3): a bounded number of requests per poll, never every task object again.
        $requests = @($run.Verbose.Message | Where-Object { $_.StartsWith("GET /jobs/$job/") })
        $requests[0] | Should -BeExactly "GET /jobs/$job/taskcounts"
        $polls = @(); $current = $null
        foreach ($request in $requests) {
            if ($request -eq "GET /jobs/$job/taskcounts") { $current = [Collections.Generic.List[string]]::new(); $polls += , $current }
            $current.Add($request)
        }
        $polls.Count | Should -BeGreaterOrEqual 1
        # The first poll also checks once that the awaited ids exist (one id-only listing).
        $polls[0] | Should -Contain "GET /jobs/$job/tasks?`$select=id"
        $polls | ForEach-Object { $_.Count | Should -BeLessOrEqual 3 }
        $listings = @($requests | Where-Object { $_.StartsWith("GET /jobs/$job/tasks?`$filter") })
        $listings[0] | Should -BeLikeExactly "GET /jobs/$job/tasks?`$filter=state eq 'completed'&`$select=id,state,*"
        # Until a listing has seen a completed task there is no time to start from, so those listings (a slow machine
        # makes several: the counts are also checked by a listing every few polls) ask for every completed task; from
        # the first completion seen on, each listing asks only for what completed since (minus a small overlap).
        $bounded = "*`$filter=state eq 'completed' and stateTransitionTime ge datetime'*'&`$select=*"
        $first = [Array]::FindIndex([string[]] $listings, [Predicate[string]] { param($l) $l -clike $bounded })
        if ($first -ge 0) {
            $listings | Select-Object -First $first | ForEach-Object { $_ | Should -BeLikeExactly "GET /jobs/$job/tasks?`$filter=state eq 'completed'&`$select=id,state,*" }
            $listings | Select-Object -Skip $first | ForEach-Object { $_ | Should -BeLikeExactly $bounded }
        }
    }

    It 'stops at the timeout with an error naming the unfinished tasks, after emitting the finished ones' {
        $job = New-TestName Jobs 'timeout'
        $tasks = Start-TestJob $job (New-TestInput 'quick.txt' 'quick'), (New-TestInput 'slow.txt' 'sleep')

        $run = Invoke-ScriptedHost -Script "param(`$Tasks) `$Tasks | Wait-BwTask -Timeout 00:00:03; 'went on'" -Parameters @{ Tasks = $tasks }

        $run.Output | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.TaskId } } | Should -Be @('topNtask0', 'went on')
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -Be 'WaitTimedOut,BatchWords.PowerShell.WaitBwTaskCommand'
        $run.Errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        "$($run.Errors[0].TargetObject)" | Should -Be $job
        $run.Errors[0].Exception.Message | Should -BeExactly "1 task(s) of job '$job' did not complete within 00:00:03: topNtask1 (running)."
        # The sleeping task still runs: the wait gave up, not the task.
        $pidFile = Join-Path $Worker.Pids "$job.topNtask1.pid"
        Wait-Until { (Test-Path $pidFile) -and (Test-ProcessAlive ([int](Get-Content $pidFile))) } "the slow task's process runs"
        (Get-TestBatchObject "jobs/$job/tasks/topNtask1").state | Should -Be 'running'
    }

    It 'stops at Ctrl+C and leaves the task running' {
        $job = New-TestName Jobs 'ctrlc'
        $tasks = Start-TestJob $job (New-TestInput 'nap.txt' 'sleep')
        $pidFile = Join-Path $Worker.Pids "$job.topNtask0.pid"

        $run = Invoke-ScriptedHost -Script "param(`$Tasks) `$Tasks | Wait-BwTask; 'not reached'" -Parameters @{ Tasks = $tasks } -StopWhen ({ Test-Path $pidFile }.GetNewClosure())

        $run.Terminating | Should -BeOfType [Management.Automation.PipelineStoppedException]
        $run.Output | Should -BeNullOrEmpty
        Test-ProcessAlive ([int](Get-Content $pidFile)) | Should -BeTrue
        (Get-TestBatchObject "jobs/$job/tasks/topNtask0").state | Should -Be 'running'
    }

    It 'waits for every task of the job with -JobId alone, a piped BwJob, or positional ids' {
        $job = New-TestName Jobs 'whole'
        $null = Start-TestJob $job (New-TestInput 'a.txt' 'a'), (New-TestInput 'b.txt' 'b')

        $byId = Wait-BwTask -JobId $job
        $piped = Get-BwJob -Id $job | Wait-BwTask
        $positional = Wait-BwTask $job topNtask1

        $byId.TaskId | Sort-Object | Should -Be @('topNtask0', 'topNtask1')
        $piped.TaskId | Sort-Object | Should -Be @('topNtask0', 'topNtask1')
        @($positional).Count | Should -Be 1
        $positional.TaskId | Should -Be 'topNtask1'
        @($byId) + @($piped) + @($positional) | ForEach-Object { $_.Result | Should -Be 'success' }
    }

    It 'reports an awaited task that does not exist as ObjectNotFound and a timeout of zero as InvalidArgument' {
        $job = New-TestName Jobs 'missing'
        $null = Start-TestJob $job (New-TestInput 'only.txt' 'only')

        # TaskNotFound ends the command (statement-terminating); -ErrorAction Stop makes either kind catchable here.
        $missing = { Wait-BwTask -JobId $job -TaskId topNtask0, nosuchtask -ErrorAction Stop } | Should -Throw -PassThru
        $zero = { Wait-BwTask -JobId $job -Timeout 0 -ErrorAction Stop } | Should -Throw -PassThru

        $missing.FullyQualifiedErrorId | Should -Be 'TaskNotFound,BatchWords.PowerShell.WaitBwTaskCommand'
        $missing.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($missing.TargetObject)" | Should -Be $job
        $missing.Exception.Message | Should -BeLike '*1 of the awaited task(s) do not exist*'
        $zero.FullyQualifiedErrorId | Should -Be 'InvalidTimeout,BatchWords.PowerShell.WaitBwTaskCommand'
        $zero.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($zero.TargetObject)" | Should -Be ([TimeSpan]::Zero).ToString()
    }
}

Describe 'Get-BwTaskLog' -Tag 'Integration' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:LogPool = New-TestName Pools 'logs' -Shared
        $null = New-BwPool -Id $LogPool -NodeCount 2 -Program $Worker.Path -ApplicationContainer (New-TestName Containers 'app' -Shared)
        $script:In = (New-BwContainer (New-TestName Containers 'in' -Shared)).Name
        $script:Out = (New-BwContainer (New-TestName Containers 'out' -Shared)).Name
        Wait-TestNodesIdle $LogPool 2
    }
    AfterEach { Clear-TestMade }
    AfterAll { Clear-TestMade -Shared }

    It 'reads stdout by default and stderr with -Stream stderr' {
        $job = New-TestName Jobs 'logs'
        $null = New-TestInput 'bad.txt' 'exit 3' | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $LogPool -OutputContainer $Out |
            Wait-BwTask -Timeout 00:01:00 -ErrorAction SilentlyContinue

        $texts = @(
            Get-BwTaskLog -JobId $job -TaskId topNtask0
            Get-BwTaskLog -JobId $job -TaskId topNtask0 -Stream stdout
            Get-BwTaskLog -JobId $job -TaskId topNtask0 -Stream STDERR
        )

        $texts.Count | Should -Be 3
        $texts[0] | Should -BeLikeExactly 'fake-worker: task topNtask0 read bad.txt (top 3) on *'
        $texts[1] | Should -BeExactly $texts[0]
        $texts[2] | Should -BeExactly "fake-worker: bad.txt asks for exit code 3`n"
    }

    It 'takes tasks from Wait-BwTask or Get-BwTask by property name' {
        $job = New-TestName Jobs 'piped'
        $null = (New-TestInput 'a.txt' 'a'), (New-TestInput 'b.txt' 'exit 4') | Publish-BwInput -Container $In |
            Start-BwJob -JobId $job -Pool $LogPool -OutputContainer $Out

        $stderr = @(Wait-BwTask -JobId $job -Timeout 00:01:00 -ErrorAction SilentlyContinue | Get-BwTaskLog -Stream stderr)
        $stdout = @(Get-BwTask -JobId $job | Get-BwTaskLog)

        $stderr | Sort-Object -CaseSensitive | Should -BeExactly @('', "fake-worker: b.txt asks for exit code 4`n")
        $stdout.Count | Should -Be 2
        $stdout | Where-Object { $_.StartsWith('fake-worker: task topNtask0 read a.txt') } | Should -Not -BeNullOrEmpty
        $stdout | Where-Object { $_.StartsWith('fake-worker: task topNtask1 read b.txt') } | Should -Not -BeNullOrEmpty
    }

    It 'has no log yet for a task that has not run, and reports a missing task as ObjectNotFound' {
        # No node, so the task waits: it has not run anywhere and has no files.
        $idle = New-TestName Pools 'nonode'
        $null = New-BwPool -Id $idle -NodeCount 0 -Program $Worker.Path -ApplicationContainer (New-TestName Containers 'app')
        $job = New-TestName Jobs 'waiting'
        $null = New-TestInput 'waiting.txt' 'w' | Publish-BwInput -Container $In | Start-BwJob -JobId $job -Pool $idle -OutputContainer $Out

        Get-BwTaskLog -JobId $job -TaskId topNtask0 -ErrorVariable waiting -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-BwTaskLog -JobId $job -TaskId nosuchtask -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $waiting.Count | Should -Be 1
        $waiting[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $waiting[0].ErrorDetails.RecommendedAction | Should -BeLike '*Wait-BwTask*'
        $missing.Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'TaskNotFound,BatchWords.PowerShell.GetBwTaskLogCommand'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($missing[0].TargetObject)" | Should -Be 'nosuchtask'
    }

    It 'takes only stdout or stderr as -Stream' {
        { Get-BwTaskLog -JobId j -TaskId t -Stream fileuploaderr } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,BatchWords.PowerShell.GetBwTaskLogCommand'
    }
}

Describe 'Remove-BwJob and Remove-BwPool' -Tag 'Integration', 'Slow' {
    BeforeAll {
        function New-TestPools([int] $Count) {
            # Pools with no nodes (cheap), made through New-BwPool.
            $app = New-TestName Containers 'app'
            foreach ($i in 1..$Count) {
                $id = New-TestName Pools "rm$i"
                $null = New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $app
                $id
            }
        }
        function New-TestJobs([int] $Count) {
            # Jobs with one waiting task each, on a pool with no nodes.
            $pool = New-TestPools 1
            $inputs = Publish-BwInput -Container (New-BwContainer (New-TestName Containers 'in')).Name -Path (New-TestInput 'r.txt' 'r')
            $out = New-TestName Containers 'out'
            foreach ($i in 1..$Count) {
                $id = New-TestName Jobs "rm$i"
                $null = $inputs | Start-BwJob -JobId $id -Pool $pool -OutputContainer $out
                $id
            }
        }
    }
    AfterEach { Clear-TestMade }

    It 'Remove-BwPool asks through the host and deletes only what was answered Yes' {
        $yes, $no = New-TestPools 2

        $run = Invoke-ScriptedHost -Script 'param($Yes, $No) Remove-BwPool $Yes, $No -PassThru' -Parameters @{ Yes = $yes; No = $no } -Answer 'Yes', 'No'

        $run.Errors | Should -BeNullOrEmpty
        $run.Prompts.Count | Should -Be 2
        $run.Prompts[0].Caption | Should -Be 'Confirm'
        $run.Prompts[0].Answer | Should -Be 'Yes'
        $run.Prompts[0].Message | Should -BeLikeExactly "*Performing the operation `"Delete Batch pool`" on target `"pool '$yes'`".*"
        $run.Prompts[1].Message | Should -BeLikeExactly "*on target `"pool '$no'`".*"
        $run.Output | Should -Be $yes
        Test-Gone (Get-TestPoolState $yes) | Should -BeTrue
        Get-TestPoolState $no | Should -Be 'active'
    }

    It 'Remove-BwJob asks through the host and Yes to All answers for the rest' {
        $jobs = @(New-TestJobs 3)

        $run = Invoke-ScriptedHost -Script 'param($Ids) $Ids | Remove-BwJob -PassThru' -Parameters @{ Ids = $jobs } -Answer 'No', 'Yes to All'

        $run.Errors | Should -BeNullOrEmpty
        $run.Prompts.Count | Should -Be 2
        $run.Prompts[0].Message | Should -BeLikeExactly "*Performing the operation `"Delete Batch job and its tasks`" on target `"job '$($jobs[0])'`".*"
        $run.Output | Should -Be @($jobs[1], $jobs[2])
        Get-TestJobState $jobs[0] | Should -Be 'active'
        Test-Gone (Get-TestJobState $jobs[1]) | Should -BeTrue
        Test-Gone (Get-TestJobState $jobs[2]) | Should -BeTrue
    }

    It 'deletes without asking with <Switch>' -ForEach @(@{ Switch = '-Force' }, @{ Switch = '-Confirm:$false' }) {
        $job = New-TestJobs 1
        $pool = New-TestPools 1

        # No answer is queued: a prompt would fail the run.
        $run = Invoke-ScriptedHost -Script "param(`$Job, `$Pool) Remove-BwJob `$Job $Switch -Verbose; Remove-BwPool `$Pool $Switch -Verbose" -Parameters @{ Job = $job; Pool = $pool }

        $run.Errors | Should -BeNullOrEmpty
        $run.Prompts | Should -BeNullOrEmpty
        $run.Verbose.Message | Should -Contain "DELETE /jobs/$job"
        $run.Verbose.Message | Should -Contain "DELETE /pools/$pool"
        Test-Gone (Get-TestJobState $job) | Should -BeTrue
        Test-Gone (Get-TestPoolState $pool) | Should -BeTrue
    }

    It 'deletes nothing with -WhatIf, even with -Force' {
        $job = New-TestJobs 1
        $pool = New-TestPools 1

        $run = Invoke-ScriptedHost -Script 'param($Job, $Pool) Remove-BwJob $Job -WhatIf; Remove-BwJob $Job -WhatIf -Force; Remove-BwPool $Pool -WhatIf -Force' -Parameters @{ Job = $job; Pool = $pool }

        $run.Errors | Should -BeNullOrEmpty
        $run.Prompts | Should -BeNullOrEmpty
        Get-WhatIfLine $run | Should -Be @(
            "What if: Performing the operation `"Delete Batch job and its tasks`" on target `"job '$job'`"."
            "What if: Performing the operation `"Delete Batch job and its tasks`" on target `"job '$job'`"."
            "What if: Performing the operation `"Delete Batch pool`" on target `"pool '$pool'`"."
        )
        Get-TestJobState $job | Should -Be 'active'
        Get-TestPoolState $pool | Should -Be 'active'
    }

    It 'must be given -Force or -Confirm:$false where there is no host to ask' {
        $pool = New-TestPools 1
        # A runspace with no host of ours (PowerShell's default, which cannot prompt), as in a hosted app or job.
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        try {
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript('param($Manifest, $Context, $Pool) Import-Module $Manifest; $null = Connect-BwAccount -Context $Context; Remove-BwPool $Pool').
                AddParameter('Manifest', (Get-TestModuleManifest)).AddParameter('Context', $Context).AddParameter('Pool', $pool)
            $null = $ps.Invoke()
            $refused = @($ps.Streams.Error)
            $ps.Dispose()

            $refused.Count | Should -Be 1
            ($refused[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'HostFunctionNotImplemented'
            Get-TestPoolState $pool | Should -Be 'active'

            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript('param($Pool) Remove-BwPool $Pool -Force').AddParameter('Pool', $pool)
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $ps.Dispose()
            Test-Gone (Get-TestPoolState $pool) | Should -BeTrue
        }
        finally { $runspace.Dispose() }
    }

    It 'deletes the job once when its tasks are piped in' {
        $pool = New-TestPools 1
        $job = New-TestName Jobs 'once'
        $null = (New-TestInput '1.txt' '1'), (New-TestInput '2.txt' '2'), (New-TestInput '3.txt' '3') |
            Publish-BwInput -Container (New-BwContainer (New-TestName Containers 'in')).Name |
            Start-BwJob -JobId $job -Pool $pool -OutputContainer (New-TestName Containers 'out')

        $removed = Get-BwTask -JobId $job | Remove-BwJob -Force -PassThru -ErrorVariable problems

        $problems | Should -BeNullOrEmpty
        @($removed).Count | Should -Be 1
        $removed | Should -Be $job
        Test-Gone (Get-TestJobState $job) | Should -BeTrue
    }

    It 'kills the running task processes of a removed job' {
        $worker = New-FakeWorker
        $pool = New-TestName Pools 'kill'; $job = New-TestName Jobs 'kill'
        $null = New-BwPool -Id $pool -NodeCount 1 -Program $worker.Path -ApplicationContainer (New-TestName Containers 'app')
        $null = New-TestInput 's.txt' 'sleep' | Publish-BwInput -Container (New-BwContainer (New-TestName Containers 'in')).Name |
            Start-BwJob -JobId $job -Pool $pool -OutputContainer (New-TestName Containers 'out')
        $pidFile = Join-Path $worker.Pids "$job.topNtask0.pid"
        Wait-Until { Test-Path $pidFile } 'the task is running' 120
        $taskPid = [int] (Get-Content $pidFile)
        Test-ProcessAlive $taskPid | Should -BeTrue

        Remove-BwJob $job -Force

        Wait-Until { -not (Test-ProcessAlive $taskPid) } "task process $taskPid is gone"
        Test-ProcessAlive $taskPid | Should -BeFalse
    }

    It 'reports removing a missing job or pool as ObjectNotFound' {
        $job = New-TestId 'nojob'; $pool = New-TestId 'nopool'

        Remove-BwJob $job -Force -ErrorVariable jobErrors -ErrorAction SilentlyContinue
        Remove-BwPool $pool -Force -ErrorVariable poolErrors -ErrorAction SilentlyContinue

        $jobErrors.Count | Should -Be 1
        $jobErrors[0].FullyQualifiedErrorId | Should -Be 'JobNotFound,BatchWords.PowerShell.RemoveBwJobCommand'
        $jobErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($jobErrors[0].TargetObject)" | Should -Be $job
        $poolErrors.Count | Should -Be 1
        $poolErrors[0].FullyQualifiedErrorId | Should -Be 'PoolNotFound,BatchWords.PowerShell.RemoveBwPoolCommand'
        $poolErrors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($poolErrors[0].TargetObject)" | Should -Be $pool
    }
}

Describe 'Remove-BwContainer next to a live pool' -Tag 'Integration' {
    AfterEach { Clear-TestMade }

    It 'keeps a container a live pool''s start task downloads from unless -Force, which warns' {
        $app = New-TestName Containers 'app'
        $pool = New-TestName Pools 'guard'
        $null = New-BwPool -Id $pool -NodeCount 0 -ApplicationContainer $app

        Remove-BwContainer $app -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'ContainerUsedByPool,BatchWords.PowerShell.RemoveBwContainerCommand'
        Test-TestContainer $app | Should -BeTrue

        Remove-BwContainer $app -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -BeLike "*used by the start task of pool(s) '$pool'*"
        Test-TestContainer $app | Should -BeFalse
    }
}
