#Requires -Version 7.4
<#
    Pester 5 suite: the module's format views for the storage and context objects (BatchWords.Format.ps1xml:
    BwContainer, BwInputFile, BwContext, LocalServiceStopResult) as Out-Default renders them to a host in plain
    text, through tests/ScriptedHost.cs (Invoke-ScriptedHost -ToHost): the columns and labels, and that no SAS
    signature or account key is among them. The Batch objects' views are in the Batch suites.

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/FormatViews.Tests.ps1

    The suite uses its own BATCHWORDS_HOME (Use-TestHome) and stops the services it starts at the end.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'formats'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount
    $script:BlobBase = $Context.BlobEndpoint.ToString().TrimEnd('/')
    # The local stack's storage key: it must never be displayed.
    $script:DevKey = (Get-TestStorageAccount).Key
    $script:SecretMarkers = 'sig=|ReadSasUri|AccountKey'
    $script:Containers = [Collections.Generic.List[string]]::new()

    function New-TestContainerName([string] $Stem) {
        # 24 characters with a 3-letter stem: the BwContainer view's Name column width. Removed after the test.
        $name = New-TestId $Stem (23 - $Stem.Length)
        $script:Containers.Add($name)
        $name
    }

    function Get-HostText($Result) { $Result.HostLines.Text -join "`n" }

    function Get-HeaderColumns($Result, [string] $FirstColumn) {
        # The words of the first host line that starts with $FirstColumn (a table's header).
        $header = @($Result.HostLines.Text | Where-Object { $_.StartsWith($FirstColumn, [StringComparison]::Ordinal) })[0]
        if (-not $header) { throw "No table header starting with '$FirstColumn':`n$(Get-HostText $Result)" }
        -split $header
    }
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'The storage views' -Tag 'Integration' {
    AfterEach {
        $script:Containers | Remove-BwContainer -Force -ErrorAction SilentlyContinue
        $script:Containers.Clear()
    }

    It 'renders BwContainer as a table of Name, Status and Uri' {
        $name = New-TestContainerName 'fmt'

        $result = Invoke-ScriptedHost -ToHost -Script 'param($Name) New-BwContainer $Name' -Parameters @{ Name = $name }

        $result.Errors | Should -BeNullOrEmpty
        $name.Length | Should -Be 24
        Get-HeaderColumns $result 'Name' | Should -Be @('Name', 'Status', 'Uri')
        @($result.HostLines.Text | Where-Object { $_ -match "^$name\s+Created\s+$([regex]::Escape("$BlobBase/$name"))$" }).Count | Should -Be 1
    }

    It 'renders BwInputFile as a table without the SAS URL' {
        $container = New-TestContainerName 'fmtin'
        $null = New-BwContainer $container

        $result = Invoke-ScriptedHost -ToHost -Script 'param($Data, $Container) Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container' -Parameters @{ Data = $TutorialData; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        Get-HeaderColumns $result 'BlobName' | Should -Be @('BlobName', 'Status', 'Length', 'Container', 'Path')
        @($result.HostLines.Text | Where-Object { $_ -match '^taskdata\d\.txt\s+Uploaded\s+\d+ ' }).Count | Should -Be 3
        Get-HostText $result | Should -Not -Match $SecretMarkers
    }

    It 'fits BwContainer and BwInputFile into <Width> columns with every column' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        # 80 columns is the default of many terminals and of Azure Cloud Shell: no header may wrap or lose a column.
        $container = New-TestContainerName 'fmtw'
        $null = New-BwContainer $container
        # A short folder (TestDrive's path alone is 41 characters), so the whole path fits the room at 120.
        $data = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) (New-TestId 'bw' 6))
        Copy-Item (Join-Path $TutorialData 'taskdata1.txt') $data

        $result = Invoke-ScriptedHost -ToHost -Width $Width -Script '
            param($Data, $Container)
            Get-BwContainer $Container | Out-Default
            Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container' -Parameters @{ Data = "$data"; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        $lines = @($result.HostLines.Text | ForEach-Object { $_.TrimEnd() })
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $Width -Because "'$_' is wider than $Width columns" }
        Get-HeaderColumns $result 'Name' | Should -Be @('Name', 'Status', 'Uri')
        @($lines | Where-Object { $_ -match "^$container\s+Existing\s+http" }).Count | Should -Be 1
        Get-HeaderColumns $result 'BlobName' | Should -Be @('BlobName', 'Status', 'Length', 'Container', 'Path')
        # The 24-character container name is cut to its 18-column width (with an ellipsis).
        $rowPattern = "^taskdata1\.txt\s+Uploaded\s+\d+\s+$($container.Substring(0, 17))… (?<path>\S+)$"
        $row = @($lines | Where-Object { $_ -match $rowPattern })
        $row.Count | Should -Be 1
        $null = $row[0] -match $rowPattern
        $path = Join-Path $data 'taskdata1.txt'
        # The path column takes what is left: cut with an ellipsis at 80, whole at 120.
        if ($Width -eq 120) { $Matches.path | Should -Be $path }
        else { $Matches.path | Should -Match '^/.+…$'; $path.StartsWith($Matches.path.TrimEnd('…')) | Should -BeTrue }
        Get-HostText $result | Should -Not -Match $SecretMarkers
        Remove-Item -LiteralPath $data -Recurse -Force
    }

    It 'renders BwInputFile after another type as a list, still without the SAS URL' {
        # Out-Default formats a type that did not start the output "out of band", as a list.
        $container = New-TestContainerName 'fmtmix'

        $result = Invoke-ScriptedHost -ToHost -Script '
            param($Data, $Container)
            New-BwContainer $Container
            Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container' -Parameters @{ Data = $TutorialData; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        @($result.HostLines.Text | Where-Object { $_ -match '^BlobName\s+: taskdata\d\.txt$' }).Count | Should -Be 3
        @($result.HostLines.Text | Where-Object { $_.StartsWith('SasExpiresOn', [StringComparison]::Ordinal) }).Count | Should -Be 3
        Get-HostText $result | Should -Not -Match $SecretMarkers
    }
}

Describe 'The context views' -Tag 'Integration' {
    It 'renders BwContext as a list of accounts, endpoints and authentication, without a key' {
        $result = Invoke-ScriptedHost -ToHost -Script 'Get-BwContext'

        $result.Errors | Should -BeNullOrEmpty
        $labels = @($result.HostLines.Text | Where-Object { $_.Contains(' : ') -or $_.EndsWith(' :') } | ForEach-Object { $_.Split(':')[0].Trim() })
        $labels | Should -Be @('Backend', 'StorageAccountName', 'BlobEndpoint', 'StorageAuthentication', 'BatchAccountName', 'BatchEndpoint', 'BatchAuthentication')
        @($result.HostLines.Text | Where-Object { $_ -match "^BlobEndpoint\s+: $([regex]::Escape($Context.BlobEndpoint.ToString()))$" }).Count | Should -Be 1
        Get-HostText $result | Should -Not -Match $SecretMarkers
        (Get-HostText $result).Contains($DevKey) | Should -BeFalse
    }

    It 'renders BwContext at <Width> columns with every label' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $result = Invoke-ScriptedHost -ToHost -Width $Width -Script 'Get-BwContext'

        $result.Errors | Should -BeNullOrEmpty
        $labels = @($result.HostLines.Text | Where-Object { $_ -match '^\w+\s+: ' } | ForEach-Object { $_.Split(':')[0].Trim() })
        $labels | Should -Be @('Backend', 'StorageAccountName', 'BlobEndpoint', 'StorageAuthentication', 'BatchAccountName', 'BatchEndpoint', 'BatchAuthentication')
        $result.HostLines.Text | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual $Width }
    }

    It 'renders LocalServiceStopResult at <Width> columns as a table of Stack, Name, ProcessId and Status' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        # Under a BATCHWORDS_HOME of its own, so the suite's Azurite is not the one stopped.
        $azurite = (Get-Content -Raw (Join-Path $env:BATCHWORDS_HOME 'local/azurite.json') | ConvertFrom-Json).ProcessId
        $suiteHome = $env:BATCHWORDS_HOME
        $env:BATCHWORDS_HOME = (New-Item -ItemType Directory -Path (Join-Path $TestDrive (New-TestId 'stop-home'))).FullName
        try { $result = Invoke-ScriptedHost -ToHost -NoConnect -Width $Width -Script 'Disconnect-BwAccount -StopLocalServices' }
        finally { $env:BATCHWORDS_HOME = $suiteHome }

        $result.Errors | Should -BeNullOrEmpty
        $lines = @($result.HostLines.Text | ForEach-Object { $_.TrimEnd() })
        @($lines | Where-Object { $_ -match '^Stack\s+Name\s+ProcessId\s+Status$' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '^local\s+azurite\s+NotRunning$' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '^local\s+batch-emulator\s+NotRunning$' }).Count | Should -Be 1
        Test-ProcessAlive $azurite | Should -BeTrue
    }

    It 'tells the two local stacks apart when the Entra ID stack was ever started' {
        # Both stacks run an azurite and a batch-emulator; before the Stack column their rows looked the same.
        $suiteHome = $env:BATCHWORDS_HOME
        $env:BATCHWORDS_HOME = (New-Item -ItemType Directory -Path (Join-Path $TestDrive (New-TestId 'stop-both'))).FullName
        $null = New-Item -ItemType Directory -Path (Join-Path $env:BATCHWORDS_HOME 'local-entra')
        try { $result = Invoke-ScriptedHost -ToHost -NoConnect -Width 80 -Script 'Disconnect-BwAccount -StopLocalServices' }
        finally { $env:BATCHWORDS_HOME = $suiteHome }

        $result.Errors | Should -BeNullOrEmpty
        $rows = @($result.HostLines.Text | ForEach-Object { $_.TrimEnd() } | Where-Object { $_ -match 'NotRunning$' })
        $rows | Should -HaveCount 4
        ($rows | Sort-Object -Unique).Count | Should -Be 4
        @($rows -match '^local-entra\s+azurite\s').Count | Should -Be 1
        @($rows -match '^local\s+azurite\s').Count | Should -Be 1
    }
}
