#Requires -Version 7.4
<#
    Pester 5 suite: what an admin has to find things (issue 13, findings 4 and 5): Get-BwContainer with wildcard
    names, Get-BwPool and Get-BwJob with wildcard ids, -Filter (OData, applied by the service) and -MaxCount, and
    Tab completion of container names and pool, job and task ids through TabExpansion2, as a console would ask
    for it: from the connected account, and nothing (no error, no hang) when not connected or offline.

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/Inventory.Tests.ps1

    Runs against the local stack under its own BATCHWORDS_HOME; the pools have no nodes (nothing runs).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TestHome = Use-TestHome 'inventory'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount
    $script:Worker = New-FakeWorker

    # Two of each under one stem, and one that does not match it.
    $script:Stem = New-TestId 'inv' 8
    $script:Other = New-TestId 'oth' 8
    $script:App = New-TestId 'app'
    $script:Pools = "$Stem-a", "$Stem-b"
    $script:Jobs = "$Stem-a", "$Stem-b"
    $script:Containers = "$Stem-a", "$Stem-b"
    foreach ($id in $Pools + $Other) { $null = New-BwPool -Id $id -NodeCount 0 -Program $Worker.Path -ApplicationContainer $App }
    foreach ($id in $Jobs + $Other) {
        $null = Invoke-TestBatchRequest POST 'jobs' -Json (@{ id = $id; poolInfo = @{ poolId = $Pools[0] } } | ConvertTo-Json -Compress)
    }
    foreach ($task in 'task-1', 'task-2', 'other') {
        $null = Invoke-TestBatchRequest POST "jobs/$($Jobs[0])/tasks" -Json (@{ id = $task; commandLine = '/bin/true' } | ConvertTo-Json -Compress)
    }
    $null = New-BwContainer ($Containers + $Other)

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }
}

AfterAll {
    foreach ($id in $Jobs + $Other) { Remove-BwJob $id -Force -ErrorAction SilentlyContinue }
    foreach ($id in $Pools + $Other) { Remove-BwPool $id -Force -ErrorAction SilentlyContinue }
    Remove-BwContainer ($Containers + $Other + $App) -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'Get-BwContainer' -Tag 'Integration' {
    It 'lists the containers whose names match a wildcard pattern, as BwContainer objects' {
        $found = @(Get-BwContainer -Name "$Stem*")

        $found | ForEach-Object { $_.GetType().FullName | Should -Be 'BatchWords.BwContainer' }
        @($found.Name | Sort-Object) | Should -Be $Containers
        $found.Status | ForEach-Object { "$_" | Should -Be 'Existing' }
        $found[0].Uri | Should -Be "$($Context.BlobEndpoint.ToString().TrimEnd('/'))/$($Containers[0])"
        # Case does not matter in a pattern (container names are lower case).
        @(Get-BwContainer -Name "$($Stem.ToUpperInvariant())*").Count | Should -Be 2
        # Every container without -Name.
        @(Get-BwContainer).Name | Should -Contain $Other
    }

    It 'takes several names and patterns, by value from the pipeline' {
        @($Containers[0], "$Other*" | Get-BwContainer).Name | Should -Be @($Containers[0], $Other)
    }

    It 'reports a missing name as ContainerNotFound, the id every cmdlet uses, and a pattern that matches nothing as nothing' {
        $missing = New-TestId 'nope'

        $found = @(Get-BwContainer -Name $missing, 'zz-no-such*' -ErrorVariable problems -ErrorAction SilentlyContinue)

        $found | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ContainerNotFound,BatchWords.PowerShell.GetBwContainerCommand'
        "$($problems[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be $missing
        $null = Remove-BwContainer $missing -Force -ErrorVariable removeProblems -ErrorAction SilentlyContinue
        $removeProblems[0].FullyQualifiedErrorId | Should -Be 'ContainerNotFound,BatchWords.PowerShell.RemoveBwContainerCommand'
    }

    It 'declares -Name as taking wildcards, and help says so' {
        (Get-Command Get-BwContainer).Parameters['Name'].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1
        (Get-Help Get-BwContainer -Parameter Name).globbing | Should -Be 'true'
    }
}

Describe 'Get-BwPool and Get-BwJob with wildcards, -Filter and -MaxCount' -Tag 'Integration' {
    It 'Get-BwPool -Id with a wildcard lists the matching pools (it was an InvalidPoolId error)' {
        $found = @(Get-BwPool -Id "$Stem*" -ErrorVariable problems)

        $problems | Should -BeNullOrEmpty
        @($found.Id | Sort-Object) | Should -Be $Pools
        $found[0].GetType().FullName | Should -Be 'BatchWords.BwPool'
        @(Get-BwPool -Id "$($Stem.ToUpperInvariant())-?").Count | Should -Be 2
        @(Get-BwPool -Id "$Stem-[b]").Id | Should -Be $Pools[1]
    }

    It 'Get-BwPool: a pattern that matches nothing is no result and no error; a missing id is still PoolNotFound' {
        @(Get-BwPool -Id 'zz-no-such-pool*' -ErrorVariable problems) | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty

        $null = Get-BwPool -Id (New-TestId 'gone') -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -Be 'PoolNotFound,BatchWords.PowerShell.GetBwPoolCommand'
    }

    It 'Get-BwPool passes -Filter to the service and stops at -MaxCount' {
        @(Get-BwPool -Filter "id eq '$($Pools[1])'").Id | Should -Be $Pools[1]
        @(Get-BwPool -Id "$Stem*" -Filter "id eq '$Other'") | Should -BeNullOrEmpty
        @(Get-BwPool -Id "$Stem*" -MaxCount 1).Count | Should -Be 1
        @(Get-BwPool -MaxCount 2).Count | Should -Be 2

        # The service judges the filter: a property Batch does not filter pools on is its error, with its code.
        $null = Get-BwPool -Filter "nosuchproperty eq 'x'" -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'Batch*,BatchWords.PowerShell.GetBwPoolCommand'
        "$($bad[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
    }

    It 'Get-BwJob takes a wildcard id, -Filter and -MaxCount' {
        @(Get-BwJob -Id "$Stem*").Id | Sort-Object | Should -Be $Jobs
        @(Get-BwJob -Id "$Stem*" -Filter "state eq 'active'").Count | Should -Be 2
        @(Get-BwJob -Id "$Stem*" -Filter "state eq 'completed'") | Should -BeNullOrEmpty
        @(Get-BwJob -Id "$Stem*" -MaxCount 1).Count | Should -Be 1
        @(Get-BwJob -Id 'zz-no-such-job*' -ErrorVariable problems) | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
        $counted = Get-BwJob -Id "$($Jobs[0])*"
        $counted.ActiveTasks | Should -Be 3
    }

    It 'declares wildcards exactly where they work' {
        foreach ($case in @{ Command = 'Get-BwPool'; Name = 'Id' }, @{ Command = 'Get-BwJob'; Name = 'Id' }) {
            (Get-Command $case.Command).Parameters[$case.Name].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1
        }
        foreach ($case in @{ Command = 'Remove-BwPool'; Name = 'Id' }, @{ Command = 'Remove-BwJob'; Name = 'Id' }, @{ Command = 'Get-BwTask'; Name = 'TaskId' }) {
            (Get-Command $case.Command).Parameters[$case.Name].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 0
        }
    }
}

Describe 'Tab completion of ids' -Tag 'Integration' {
    It 'completes <Line> from the connected account' -ForEach @(
        @{ Line = 'Get-BwPool -Id {0}'; Kind = 'Pools' }
        @{ Line = 'Remove-BwPool -Id {0}'; Kind = 'Pools' }
        @{ Line = 'Start-BwJob -JobId x -Pool {0}'; Kind = 'Pools' }
        @{ Line = 'Get-BwJob -Id {0}'; Kind = 'Jobs' }
        @{ Line = 'Remove-BwJob -Id {0}'; Kind = 'Jobs' }
        @{ Line = 'Wait-BwTask -JobId {0}'; Kind = 'Jobs' }
        @{ Line = 'Get-BwTask -JobId {0}'; Kind = 'Jobs' }
        @{ Line = 'Get-BwContainer -Name {0}'; Kind = 'Containers' }
    ) {
        $expected = (Get-Variable $Kind -ValueOnly)

        $offered = Get-Completion ($Line -f $Stem)

        @($offered | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'completes task ids of the job on the same command line' {
        Get-Completion "Wait-BwTask -JobId $($Jobs[0]) -TaskId task" | Sort-Object | Should -Be @('task-1', 'task-2')
        Get-Completion "Get-BwTaskLog -JobId $($Jobs[0]) -TaskId " | Sort-Object | Should -Be @('other', 'task-1', 'task-2')
        # Without a job there is nothing to ask.
        Get-Completion 'Get-BwTaskLog -TaskId ' | Where-Object { $_ -like 'task-*' } | Should -BeNullOrEmpty
    }

    It 'offers nothing, with no error, in a session that is not connected (and starts no service)' {
        $run = Invoke-ScriptedHost -NoConnect -Script '
            $line = "Get-BwPool -Id "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            $line = "Wait-BwTask -JobId x -TaskId "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            $Error.Count'

        $run.Errors | Should -BeNullOrEmpty
        @($run.HostLines | Where-Object { "$($_.Kind)" -eq 'Error' }) | Should -BeNullOrEmpty
        @($run.Output | Where-Object { $_ -is [System.Management.Automation.CompletionResult] }) | Should -BeNullOrEmpty
        $run.Output[-1] | Should -Be 0
    }

    It 'offers nothing, with no error and within its time budget, when the service does not answer' {
        # A listener that accepts connections and never answers: without the completers' 2-second budget, Tab
        # would wait for the SDK's network timeout (100 s) and Invoke-ScriptedHost would give up at 30 s.
        $silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $silent.Start()
        try {
            $endpoint = "http://127.0.0.1:$($silent.LocalEndpoint.Port)"
            $run = Invoke-ScriptedHost -NoConnect -TimeoutSeconds 30 -Parameters @{ Endpoint = $endpoint } -Script '
                param($Endpoint)
                $key = ConvertTo-SecureString "a2V5" -AsPlainText -Force
                $null = Connect-BwAccount -StorageAccountName offline -StorageAccountKey $key -BlobEndpoint "$Endpoint/offline" -BatchAccountUrl $Endpoint -BatchAccountName offline -BatchAccountKey $key
                foreach ($line in "Get-BwPool -Id ", "Remove-BwJob -Id ", "Get-BwTask -JobId j -TaskId ", "Get-BwContainer -Name ") {
                    (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
                }
                $Error.Count'
        }
        finally { $silent.Stop() }

        $run.Errors | Should -BeNullOrEmpty
        $run.Terminating | Should -BeNullOrEmpty
        @($run.HostLines | Where-Object { "$($_.Kind)" -eq 'Error' }) | Should -BeNullOrEmpty
        @($run.Output | Where-Object { $_ -is [System.Management.Automation.CompletionResult] }) | Should -BeNullOrEmpty
        $run.Output[-1] | Should -Be 0
    }
}
