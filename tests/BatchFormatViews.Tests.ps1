#Requires -Version 7.4
<#
    Pester 5 suite: the Batch format views (BatchWords.Batch.Format.ps1xml: BwPool, BwJob, BwTask,
    BwTutorialResult) as Out-Default renders them to a console host (Invoke-ScriptedHost -ToHost) at 80 and 120 columns:
    no error, the columns, a row per object with the values a user reads, and no SAS or key text. Runs against
    the local stack; the tasks run tests/fake-worker.sh, except the tutorial's, which run the bundled worker.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = Get-TestModuleManifest
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'batchfmt'
    Import-Module $manifest -Force
    $script:Context = Connect-BwAccount
    # What must never be rendered: the emulator's account key, Azurite's well-known key, and SAS or key markers.
    $script:BatchKey = (Get-Content -Raw (Join-Path $TestHome.Path 'local/batch-emulator.key')).Trim()
    $script:StorageKey = (Get-TestStorageAccount).Key

    function Get-HostText($Run) { ($Run.HostLines | ForEach-Object Text) -join "`n" }

    function Assert-CleanRendering($Run) {
        # Rendered without error, and with no secret in the text.
        $Run.Errors | Should -BeNullOrEmpty
        $Run.Terminating | Should -BeNullOrEmpty
        @($Run.HostLines | Where-Object { "$($_.Kind)" -eq 'Error' }) | Should -BeNullOrEmpty
        $text = Get-HostText $Run
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match '(?i)sig=|sv=|se=|sp=|AccountKey|SharedKey'
        $text.Contains($BatchKey) | Should -BeFalse
        $text.Contains($StorageKey) | Should -BeFalse
    }

    function Get-TableHeader($Run, [string] $FirstColumn) {
        # The column names of the first table header line that starts with $FirstColumn.
        $header = $Run.HostLines | ForEach-Object Text | Where-Object { $_.StartsWith("$FirstColumn ") } | Select-Object -First 1
        if (-not $header) { throw "No table header starting with '$FirstColumn':`n$(Get-HostText $Run)" }
        -split $header
    }

    function Assert-FitsWidth($Run, [int] $Width) {
        # No line of the rendering is wider than the terminal: a wider header would wrap.
        $Run.HostLines | ForEach-Object { $_.Text.TrimEnd().Length | Should -BeLessOrEqual $Width -Because "'$($_.Text)' must fit $Width columns" }
    }

    function Get-TableRow($Run, [string] $Pattern) { @($Run.HostLines | ForEach-Object Text | Where-Object { $_ -match $Pattern }) }
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'The BwPool, BwJob and BwTask views' -Tag 'Integration' {
    BeforeAll {
        $script:Worker = New-FakeWorker
        $script:Pool = New-TestId 'fmt'
        $script:Job = New-TestId 'fmt'
        $script:App = New-TestId 'app'
        $script:In = New-TestId 'in'
        $script:Out = New-TestId 'out'
        $null = New-BwPool -Id $Pool -NodeCount 1 -Program $Worker.Path -ApplicationContainer $App
        $null = New-BwContainer $In, $Out
        $null = (New-TestInput 'ok.txt' 'ok'), (New-TestInput 'no.txt' 'exit 3') | Publish-BwInput -Container $In |
            Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask -Timeout 00:01:00 -ErrorAction SilentlyContinue
        Wait-Until { (Get-BwPool -Id $Pool).NodeStates['idle'] -eq 1 } 'the node idle' 120
    }
    AfterAll {
        Remove-BwJob $Job -Force -ErrorAction SilentlyContinue
        Remove-BwPool $Pool -Force -ErrorAction SilentlyContinue
        Remove-BwContainer $App, $In, $Out -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    }

    It 'renders a pool as a table row with its allocation, nodes, slots, VM size and node states' {
        $run = Invoke-ScriptedHost -Script 'param($Id) Get-BwPool -Id $Id' -Parameters @{ Id = $Pool } -ToHost

        Assert-CleanRendering $run
        Get-TableHeader $run 'Id' | Should -Be @('Id', 'State', 'Allocation', 'Dedicated', 'Spot', 'Slots', 'VmSize', 'NodeStates', 'Provisioning')
        Get-TableRow $run "^$Pool\s+active\s+steady\s+1/1\s+0/0\s+1\s+standard_d2s_v3\s+idle=1\s+Existing$" | Should -HaveCount 1
    }

    It 'exports a pool, its tasks and the context with values and enum names, not type names or numbers' {
        $pool = Get-BwPool -Id $Pool
        $csv = Join-Path $TestDrive 'pool.csv'
        $pool | Export-Csv -LiteralPath $csv
        $row = Import-Csv -LiteralPath $csv

        $row.NodeStates | Should -Be 'idle 1'
        $row.StartTaskContainers | Should -Be $App
        $row.Provisioning | Should -Be 'Existing'
        # Still real collections for scripts.
        $pool.NodeStates.idle | Should -Be 1
        @($pool.StartTaskContainers).Count | Should -Be 1

        $pool | ConvertTo-Json -Depth 5 | Should -BeLike '*"Provisioning": "Existing"*'
        Get-BwTask -JobId $Job | ConvertTo-Json -Depth 5 | Should -BeLike '*"State": "completed"*'
        $context = Get-BwContext | ConvertTo-Json -Depth 5
        $context | Should -BeLike '*"Backend": "Local"*'
        $context | Should -BeLike '*"StorageAuthentication": "SharedKey"*'
        $context | Should -BeLike '*"BatchAuthentication": "SharedKey"*'
    }

    It 'renders a job at <Width> columns as a table row with every task count' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $run = Invoke-ScriptedHost -Script 'param($Id) Get-BwJob -Id $Id' -Parameters @{ Id = $Job } -ToHost -Width $Width

        Assert-CleanRendering $run
        Assert-FitsWidth $run $Width
        Get-TableHeader $run 'Id' | Should -Be @('Id', 'State', 'Active', 'Running', 'Succeeded', 'Failed', 'PoolId')
        # The pool comes last and takes what is left: cut at 80 columns, whole at 120.
        $pool = if ($Width -eq 80) { "$([regex]::Escape($Pool.Substring(0, 5)))\S*…" } else { [regex]::Escape($Pool) }
        Get-TableRow $run "^$Job\s+active\s+0\s+0\s+1\s+1 $pool$" | Should -HaveCount 1
    }

    It 'renders tasks at <Width> columns as table rows with their result, exit code, input and output, and no SAS' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $run = Invoke-ScriptedHost -Script 'param($Id) Get-BwTask -JobId $Id' -Parameters @{ Id = $Job } -ToHost -Width $Width

        Assert-CleanRendering $run
        Assert-FitsWidth $run $Width
        Get-TableHeader $run 'JobId' | Should -Be @('JobId', 'TaskId', 'State', 'Result', 'ExitCode', 'Input', 'Output')
        # The output comes last and takes what is left: cut at 80 columns, whole at 120.
        $no, $ok = if ($Width -eq 80) { "$($Out.Substring(0, 4))\S*…", "$($Out.Substring(0, 4))\S*…" } else { "$Out/no_OUTPUT\.txt", "$Out/ok_OUTPUT\.txt" }
        Get-TableRow $run "^$Job\s+topNtask0\s+completed\s+failure\s+3\s+no\.txt\s+$no$" | Should -HaveCount 1
        Get-TableRow $run "^$Job\s+topNtask1\s+completed\s+success\s+0\s+ok\.txt\s+$ok$" | Should -HaveCount 1
    }
}

Describe 'The BwTutorialResult view' -Tag 'Integration', 'Slow' {
    BeforeAll {
        $script:Pool = New-TestId 'fmttut'
        $script:Job = New-TestId 'fmttut'
    }
    AfterAll {
        Remove-BwJob $Job -Force -ErrorAction SilentlyContinue
        Remove-BwPool $Pool -Force -ErrorAction SilentlyContinue
        # The tutorial's own container names.
        Remove-BwContainer 'application', 'input', 'output' -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    }

    It 'renders tutorial results as a table of top words' {
        $results = Invoke-BwTutorial -Path (Join-Path $TutorialData '*.txt') -PoolId $Pool -JobId $Job -Destination (Join-Path $TestDrive 'out') 6>$null

        foreach ($width in 80, 120) {
            $run = Invoke-ScriptedHost -Script 'param($Results) $Results' -Parameters @{ Results = @($results) } -ToHost -Width $width

            Assert-CleanRendering $run
            Assert-FitsWidth $run $width
            Get-TableHeader $run 'TaskId' | Should -Be @('TaskId', 'Input', 'Succeeded', 'ExitCode', 'TopWords')
            Get-TableRow $run '^topNtask0\s+taskdata1\.txt\s+True\s+0\s+to 18, and 17, you 14$' | Should -HaveCount 1
            Get-TableRow $run '^topNtask1\s+taskdata2\.txt\s+True\s+0\s+Storage 11, for 8, data 7$' | Should -HaveCount 1
            Get-TableRow $run '^topNtask2\s+taskdata3\.txt\s+True\s+0\s+the 10, of 8, and 6$' | Should -HaveCount 1
        }

        # Export-Csv writes the words, not the list's type name; the list stays a list for scripts.
        $csv = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv -LiteralPath $csv
        (Import-Csv -LiteralPath $csv | Where-Object TaskId -eq 'topNtask0').TopWords | Should -BeLike 'to 18; and 17; you 14*'
        ($results | Where-Object TaskId -eq 'topNtask0').TopWords[0].Word | Should -Be 'to'
    }
}
