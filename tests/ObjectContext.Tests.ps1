#Requires -Version 7.4
<#
    Pester 5 suite: objects carry their context (issue 13, finding 7). Every object that names a resource (container,
    input file, pool, job, task, node, autoscale run) remembers the context it was read through, as a hidden Context
    property that -Context of the next cmdlet binds by property name, so a pipeline on an account that is not the
    session's current one needs -Context on its first cmdlet only, as with Az.Storage's .Context.

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/ObjectContext.Tests.ps1

    Two contexts: the local stack ($Local), and a stranger ($Stranger): the same local services with keys they
    refuse, made the session's current one. A request that goes to the wrong context therefore fails at once with
    an authorization error (403, not retried), and one that goes to the right one succeeds.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TestHome = Use-TestHome 'context'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Local = Connect-BwAccount
    $script:Worker = New-FakeWorker
    $script:App = New-TestId 'ctx-app'
    $script:In = New-TestId 'ctx-in'
    $script:Out = New-TestId 'ctx-out'
    $script:Pool = New-TestId 'ctx-pool'
    $script:Job = New-TestId 'ctx-job'
    $null = New-BwPool -Id $Pool -NodeCount 1 -Program $Worker.Path -ApplicationContainer $App
    $null = New-BwContainer $In

    # The same services and account names as $Local, with a key neither service accepts.
    $wrongKey = ConvertTo-SecureString ([Convert]::ToBase64String([byte[]]::new(64))) -AsPlainText -Force
    $script:Stranger = Connect-BwAccount -StorageAccountName $Local.StorageAccountName -StorageAccountKey $wrongKey -BlobEndpoint $Local.BlobEndpoint `
        -BatchAccountUrl $Local.BatchEndpoint -BatchAccountName $Local.BatchAccountName -BatchAccountKey $wrongKey
    function Test-Refused($Record) {
        # What the local services answer the stranger: 403, reported as an authorization failure.
        "$($Record.CategoryInfo.Category)" | Should -BeIn 'AuthenticationError', 'PermissionDenied' -Because "$Record"
    }

    # Every kind of resource object, from the pipeline below (filled by the first It).
    $script:Made = [ordered]@{}
}

AfterAll {
    $null = Connect-BwAccount -Context $Local
    Remove-BwJob $Job -Force -ErrorAction SilentlyContinue
    Remove-BwPool $Pool -Force -ErrorAction SilentlyContinue
    Remove-BwContainer $App, $In, $Out -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'Objects carry their context' -Tag 'Integration' {
    BeforeEach {
        # The session works as the stranger; only what is piped from $Local may get an answer.
        $null = Connect-BwAccount -Context $Stranger
    }

    It 'runs Publish | Start-BwJob | Wait-BwTask | Receive-BwOutput on the first cmdlet''s -Context, not the current one' {
        $destination = Join-Path $TestDrive 'received'
        $inputs = @('alpha', 'beta' | ForEach-Object { New-TestInput "$_.txt" $_ } | Publish-BwInput -Context $Local -Container $In)
        $files = @($inputs | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out -Top 2 |
            Wait-BwTask -Timeout 00:02:00 | Receive-BwOutput -Destination $destination)

        $files.Name | Sort-Object | Should -Be @('alpha_OUTPUT.txt', 'beta_OUTPUT.txt')
        Get-Content -Raw ($files | Where-Object Name -EQ 'beta_OUTPUT.txt').FullName | Should -BeLikeExactly "*beta:`t1*"
        Get-BwContext | Should -Be $Stranger

        $Made.BwInputFile = $inputs[0]
        $Made.BwTask = Get-BwJob -Context $Local -Id $Job | Get-BwTask | Select-Object -First 1
        $Made.BwJob = Get-BwJob -Context $Local -Id $Job
        $Made.BwPool = Get-BwPool -Context $Local -Id $Pool
        $Made.BwNode = $Made.BwPool | Get-BwNode | Select-Object -First 1
        $Made.BwAutoScaleRun = $Made.BwPool | Enable-BwAutoScale -AutoScaleFormula '$TargetDedicatedNodes = 1;' |
            Test-BwAutoScale -AutoScaleFormula '$TargetDedicatedNodes = 1;'
        $Made.BwContainer = Get-BwContainer -Context $Local -Name $Out
        foreach ($kind in $Made.Keys) {
            $Made[$kind].GetType().Name | Should -Be $kind
            $Made[$kind].Context | Should -Be $Local -Because "a $kind carries the context it was read through"
        }
    }

    It 'removes what was read through another context (Get-BwPool -Context $other | Remove-BwPool)' {
        $scratch = New-TestId 'ctx-scratch'
        $null = New-BwPool -Context $Local -Id $scratch -NodeCount 0 -Program $Worker.Path -ApplicationContainer $App

        Get-BwPool -Context $Local -Id $scratch | Remove-BwPool -Force -ErrorAction Stop

        # Gone, or being deleted, in the local stack (checked with a probe of TestSupport, which asks the current context).
        $null = Connect-BwAccount -Context $Local
        $probe = Invoke-TestBatchRequest GET "pools/$scratch" -Accept 404
        if ($probe.Status -ne 404) { ($probe.Text | ConvertFrom-Json).state | Should -Be 'deleting' }
    }

    It 'sends each piped object to its own account when a pipeline mixes contexts' {
        $mine = Get-BwContainer -Context $Local -Name $Out
        # The same container as the stranger sees it, and a bare name (no context: the session's, the stranger).
        $theirs = $mine.GetType()::new($Out, 'Existing', $mine.Uri, $Stranger)

        $found = @($mine, $theirs, $Out | Get-BwContainer -ErrorVariable failures -ErrorAction SilentlyContinue)

        $found.Count | Should -Be 1
        $found[0].Name | Should -Be $Out
        $found[0].Context | Should -Be $Local
        $failures.Count | Should -Be 2
        $failures | ForEach-Object { Test-Refused $_ }
    }

    It 'waits for, and downloads, same-named jobs and containers of two contexts apart' {
        # Objects of the stranger's, as a script might make them: a Context property binds like the module's own.
        $theirJob = [pscustomobject]@{ JobId = $Job; Context = $Stranger }
        $theirContainer = [pscustomobject]@{ Container = $Out; Context = $Stranger }

        $caught = $null
        try { $null = $Made.BwTask, $theirJob | Wait-BwTask -Timeout 00:00:30 -OutVariable waited -ErrorAction Stop } catch { $caught = $_ }
        @($waited).TaskId | Should -Be $Made.BwTask.TaskId
        Test-Refused $caught

        $files = @($Made.BwTask, $theirContainer | Receive-BwOutput -Destination (Join-Path $TestDrive 'apart') -ErrorVariable failures -ErrorAction SilentlyContinue)
        $files.Name | Should -Be $Made.BwTask.OutputBlobName
        $failures.Count | Should -Be 1
        Test-Refused $failures[0]
    }

    It 'lets -Context typed on the command line win over the piped object''s' {
        $mine = Get-BwContainer -Context $Local -Name $Out
        $null = Connect-BwAccount -Context $Local

        $caught = $null
        try { $null = $mine | Get-BwContainer -Context $Stranger -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        Test-Refused $caught
        @($mine | Get-BwContainer -Context $Local).Name | Should -Be $Out
    }
}

Describe 'The context stays out of views and exports' -Tag 'Integration' {
    BeforeAll {
        $script:Kinds = @($Made.Keys)
    }

    It 'has one object of every kind to check' {
        $Kinds | Should -Be @('BwInputFile', 'BwTask', 'BwJob', 'BwPool', 'BwNode', 'BwAutoScaleRun', 'BwContainer')
    }

    It 'is not in the default view, Format-List *, Select-Object * or Get-Member of a <_>' -ForEach @('BwInputFile', 'BwTask', 'BwJob', 'BwPool', 'BwNode', 'BwAutoScaleRun', 'BwContainer') {
        $object = $Made[$_]
        $object | Should -Not -BeNullOrEmpty -Because 'the first Describe made one'
        ($object | Out-String -Width 200) | Should -Not -Match '\bContext\b'
        ($object | Format-List | Out-String -Width 200) | Should -Not -Match '\bContext\b'
        ($object | Format-List * | Out-String -Width 200) | Should -Not -Match '\bContext\b'
        ($object | Select-Object *).psobject.Properties.Name | Should -Not -Contain 'Context'
        ($object | Get-Member -MemberType Properties).Name | Should -Not -Contain 'Context'
    }

    It 'is not written by ConvertTo-Json, Export-Csv or Export-Clixml of a <_>, and no secret is' -ForEach @('BwInputFile', 'BwTask', 'BwJob', 'BwPool', 'BwNode', 'BwAutoScaleRun', 'BwContainer') {
        $object = $Made[$_]
        $object | Should -Not -BeNullOrEmpty -Because 'the first Describe made one'
        $json = $object | ConvertTo-Json -Depth 4
        $json | Should -Not -Match '"Context"'
        $json | Should -Not -Match 'StorageAuthentication|BatchAuthentication'
        $csv = $object | ConvertTo-Csv
        $csv[0] -split ',' | Should -Not -Contain '"Context"'
        $file = Join-Path $TestDrive "$_.clixml"
        $object | Export-Clixml -LiteralPath $file
        $xml = Get-Content -Raw -LiteralPath $file
        $xml | Should -Not -Match 'N="Context"|BwContext'
        $xml | Should -Not -Match 'sig='
        $xml | Should -Not -Match ([regex]::Escape((Get-TestStorageAccount).Key))
    }

    It 'round-trips a <_> through Export-Clixml with every visible property, ready to pipe again' -ForEach @('BwInputFile', 'BwTask', 'BwJob', 'BwPool', 'BwNode', 'BwAutoScaleRun', 'BwContainer') {
        # Types.ps1xml lists each type's properties for Export-Clixml (to leave the context out): a property
        # added to a type and not to its list would silently drop out of every Clixml file.
        $object = $Made[$_]
        $object | Should -Not -BeNullOrEmpty -Because 'the first Describe made one'
        $file = Join-Path $TestDrive "$_-round.clixml"
        $object | Export-Clixml -LiteralPath $file
        $imported = Import-Clixml -LiteralPath $file

        @($imported.psobject.Properties.Name | Sort-Object) | Should -Be @($object.psobject.Properties.Name | Sort-Object)
        $imported.psobject.Properties.Name | Should -Not -Contain 'Context'
    }

    It 'binds an imported object without a context to the session''s context' {
        $file = Join-Path $TestDrive 'pool.clixml'
        $Made.BwPool | Export-Clixml -LiteralPath $file
        $null = Connect-BwAccount -Context $Local

        (Import-Clixml -LiteralPath $file | Get-BwPool -ErrorAction Stop).Id | Should -Be $Pool
    }
}
