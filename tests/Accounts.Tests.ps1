#Requires -Version 7.4
<#
    Pester 5 suite: Connect-BwAccount, Get-BwContext and Disconnect-BwAccount.

    'Unit': the Azure parameter sets. Azure contexts send no request when they are made, so these need no Azure
    account and no local stack: validation, error records, what a failed connect leaves current, and that no
    key, SAS token or connection string shows in the context, its ToString, its format views or verbose output.

    'Integration': the Local backend. The first Connect-BwAccount of the suite starts Azurite and the Batch
    emulator under the suite's own BATCHWORDS_HOME (Use-TestHome); the AfterAll stops them. Fresh sessions
    (runspaces, Invoke-ScriptedHost) reuse them; a child pwsh checks what a machine without Azurite gets.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Accounts.Tests.ps1
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TestHome = Use-TestHome 'accounts'
    Import-Module $Manifest -Force

    $bytes = [byte[]]::new(64)
    [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    $script:Key = [Convert]::ToBase64String($bytes)
    $script:SecureKey = ConvertTo-SecureString -String $Key -AsPlainText -Force
    $script:NotBase64 = 'this-is-not-base64-but-a-secret!'
    $script:SecureNotBase64 = ConvertTo-SecureString -String $NotBase64 -AsPlainText -Force
    $script:Signature = [Convert]::ToBase64String($bytes[0..31]).TrimEnd('=')
    $script:SasToken = "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig=$([uri]::EscapeDataString($Signature))"
    $script:ConnectionString = "DefaultEndpointsProtocol=https;AccountName=mystorage;AccountKey=$Key;EndpointSuffix=core.windows.net"

    function Get-EverythingShown($Context, [scriptblock] $Connect) {
        # Every text a user or a log could see: the object's views, its string, its properties, verbose output.
        $verbose = & $Connect 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @(
            ($Context | Out-String)
            ($Context | Format-List * | Out-String)
            ($Context | Format-Table * | Out-String)
            "$Context"
            ($Context | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
            $verbose.Message
        ) -join "`n"
    }

    function Test-SameObject($Left, $Right) {
        [object]::ReferenceEquals(([psobject] $Left).BaseObject, ([psobject] $Right).BaseObject)
    }

    function Get-ServicePid([string] $Service) {
        # The pid a local service's state file records under the suite's home ('azurite', 'batch-emulator').
        (Get-Content -Raw (Join-Path $env:BATCHWORDS_HOME "local/$Service.json") | ConvertFrom-Json).ProcessId
    }
}

AfterAll {
    Disconnect-BwAccount
    Stop-TestLocalStack $TestHome
}

Describe 'Connect-BwAccount to Azure accounts' -Tag 'Unit' {
    It 'builds a shared-key context that never shows the key' {
        $connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -Verbose }
        $context = & $connect
        $context.Backend | Should -Be 'Azure'
        $context.StorageAuthentication | Should -Be 'SharedKey'
        $context.BlobEndpoint | Should -Be 'https://mystorage.blob.core.windows.net/'
        Get-EverythingShown $context $connect | Should -Not -BeLike "*$Key*"
    }

    It 'builds a SAS context that never shows the token' {
        $connect = { Connect-BwAccount -StorageAccountName mystorage -SasToken $SasToken -Verbose }
        $context = & $connect
        $context.StorageAuthentication | Should -Be 'SasToken'
        $shown = Get-EverythingShown $context $connect
        $shown | Should -Not -BeLike "*$Signature*"
        $shown | Should -Not -BeLike "*$([uri]::EscapeDataString($Signature))*"
    }

    It 'builds a connection-string context that never shows the connection string or its key' {
        $connect = { Connect-BwAccount -ConnectionString $ConnectionString -Verbose }
        $context = & $connect
        $context.StorageAuthentication | Should -Be 'ConnectionString'
        $context.StorageAccountName | Should -Be 'mystorage'
        Get-EverythingShown $context $connect | Should -Not -BeLike "*$Key*"
    }

    It 'builds an Entra ID context without signing in' {
        $context = Connect-BwAccount -StorageAccountName mystorage -UseEntraId
        $context.StorageAuthentication | Should -Be 'EntraId'
        $context.BatchAuthentication | Should -Be 'None'
    }

    It 'builds an Entra ID context with a Batch account without signing in' {
        $context = Connect-BwAccount -StorageAccountName mystorage -UseEntraId -BatchAccountUrl 'https://mybatch.westeurope.batch.azure.com'
        $context.StorageAuthentication | Should -Be 'EntraId'
        $context.BatchAccountName | Should -Be 'mybatch'
        $context.BatchAuthentication | Should -Be 'EntraId'
        $context.BlobEndpoint | Should -Be 'https://mystorage.blob.core.windows.net/'
    }

    It 'adds a Batch account with a shared key, named after the URL' {
        $context = Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountUrl https://mybatch.westeurope.batch.azure.com -BatchAccountKey $SecureKey
        $context.BatchAccountName | Should -Be 'mybatch'
        $context.BatchAuthentication | Should -Be 'SharedKey'
    }

    It 'sends no request while connecting' {
        # A listener stands in for the blob endpoint: if connecting sent anything, a connection would be pending.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $endpoint = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/mystorage"
            $context = Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BlobEndpoint $endpoint -Verbose 4>$null
            $context.Backend | Should -Be 'Azure'
            $context.StorageAccountName | Should -Be 'mystorage'
            $context.StorageAuthentication | Should -Be 'SharedKey'
            "$($context.BlobEndpoint)" | Should -Be $endpoint
            $listener.Pending() | Should -BeFalse
        }
        finally { $listener.Stop() }
    }

    It 'rejects <Case> with <ErrorId> naming the value, with a recommended action, leaving the current context as it was' -ForEach @(
        @{ Case = 'an invalid account name'; ErrorId = 'InvalidStorageAccountName'; Target = 'Bad_Name'; Connect = { Connect-BwAccount -StorageAccountName Bad_Name -StorageAccountKey $SecureKey @args } }
        @{ Case = 'a too short account name with a SAS'; ErrorId = 'InvalidStorageAccountName'; Target = 'ab'; Connect = { Connect-BwAccount -StorageAccountName ab -SasToken 'sv=2022-11-02&sig=abc' @args } }
        @{ Case = 'a key that is not base64'; ErrorId = 'InvalidAccountKey'; Target = 'mystorage'; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureNotBase64 @args } }
        @{ Case = 'a Batch key without a Batch URL'; ErrorId = 'MissingBatchAccountUrl'; Target = $null; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountKey $SecureKey @args } }
        @{ Case = 'a Batch URL that is not https'; ErrorId = 'InvalidBatchAccountUrl'; Target = 'ftp://mybatch.westeurope.batch.azure.com/'; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountUrl 'ftp://mybatch.westeurope.batch.azure.com' @args } }
        @{ Case = 'an invalid Batch account name in the URL'; ErrorId = 'InvalidBatchAccountName'; Target = 'my_batch'; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountUrl 'https://my_batch.westeurope.batch.azure.com' @args } }
        @{ Case = 'a malformed connection string'; ErrorId = 'InvalidConnectionString'; Target = $null; Connect = { Connect-BwAccount -ConnectionString 'this is not a connection string' @args } }
        @{ Case = 'a credential that is not a TokenCredential'; ErrorId = 'InvalidCredential'; Target = 'System.Management.Automation.PSCustomObject'; Connect = { Connect-BwAccount -StorageAccountName mystorage -UseEntraId -Credential ([pscustomobject]@{ Token = 'x' }) @args } }
    ) {
        $before = Connect-BwAccount -StorageAccountName before -StorageAccountKey $SecureKey
        # Dot-sourced so that -ErrorVariable lands here; @args passes the common parameters on to the cmdlet.
        $terminating = $null
        try { . $Connect -ErrorAction SilentlyContinue -ErrorVariable problems } catch { $terminating = $_ }
        # -ErrorVariable holds a terminating error as the exception that carries its record.
        $records = @($problems | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ } else { $_.ErrorRecord } })
        if ($terminating -and -not ($records | Where-Object { [object]::ReferenceEquals($_.Exception, $terminating.Exception) })) { $records += $terminating }

        $records.Count | Should -Be 1
        $record = $records[0]
        $record.FullyQualifiedErrorId | Should -Be "$ErrorId,BatchWords.PowerShell.ConnectBwAccountCommand"
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $target = if ($null -ne $record.TargetObject) { "$(([psobject] $record.TargetObject).BaseObject)" }
        $target | Should -Be $Target
        $record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Test-SameObject (Get-BwContext) $before | Should -BeTrue -Because 'a failed connect changes nothing'
        $shown = "$record", $record.Exception.ToString(), $record.ErrorDetails.Message, $record.ErrorDetails.RecommendedAction, $target -join "`n"
        $shown | Should -Not -BeLike "*$Key*"
        $shown | Should -Not -BeLike "*$NotBase64*"
    }

    It 'refuses two ways to authorize at once with a parameter binding error' {
        $record = $null
        try { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -SasToken $SasToken -ErrorAction Stop } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -Be 'AmbiguousParameterSet,BatchWords.PowerShell.ConnectBwAccountCommand'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Connect-BwAccount on the Local backend' -Tag 'Integration', 'Slow' {
    BeforeAll {
        # The suite's first connect to the Local backend: it starts Azurite and the emulator.
        $first = @(Connect-BwAccount -Verbose 4>&1)
        $script:FirstVerbose = ($first | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $script:FirstOutput = @($first | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $script:Context = $FirstOutput[0]
        $script:StateDirectory = Join-Path $env:BATCHWORDS_HOME 'local'
        $script:AzuritePid = Get-ServicePid 'azurite'
        $script:EmulatorPid = Get-ServicePid 'batch-emulator'
    }

    It 'started Azurite and the emulator under the suite''s own BATCHWORDS_HOME and emitted a Local context' {
        $FirstVerbose | Should -Match 'Starting azurite'
        $FirstVerbose | Should -Match "azurite \(pid $AzuritePid\) listens on"
        Test-ProcessAlive $AzuritePid | Should -BeTrue
        # Its data directory is the suite's home, never the developer's ~/.batchwords (Linux shows it in /proc).
        $azuriteData = Join-Path $StateDirectory 'azurite-data'
        ((Get-Content -Raw "/proc/$AzuritePid/cmdline") -replace "`0", ' ') | Should -BeLike "*$azuriteData*"
        $azuriteData | Should -Exist
        $env:BATCHWORDS_HOME | Should -Be $TestHome.Path
        $env:BATCHWORDS_HOME | Should -Not -BeLike "$TestDrive*"

        $FirstOutput.Count | Should -Be 1
        $Context.GetType().FullName | Should -Be 'BatchWords.BwContext'
        $Context.Backend | Should -Be 'Local'
        $Context.StorageAccountName | Should -Be 'devstoreaccount1'
        $Context.StorageAuthentication | Should -Be 'SharedKey'
        $Context.BatchAccountName | Should -Be 'localbatch'
        $Context.BatchAuthentication | Should -Be 'SharedKey'
        $Context.BlobEndpoint.Host | Should -Be '127.0.0.1'
        $Context.BlobEndpoint.AbsolutePath | Should -Be '/devstoreaccount1'

        # The Batch emulator started beside Azurite, on loopback, under the same state directory.
        $FirstVerbose | Should -Match "batch-emulator \(pid $EmulatorPid\) listens on"
        Test-ProcessAlive $EmulatorPid | Should -BeTrue
        $Context.BatchEndpoint.Host | Should -Be '127.0.0.1'
        Join-Path $StateDirectory 'batch-emulator-data' | Should -Exist
    }

    It 'reuses the running Azurite with <Command> in a new session and makes the context current' -ForEach @(
        @{ Command = 'Connect-BwAccount -Verbose' }
        @{ Command = 'Connect-BwAccount -Local -Verbose' }
    ) {
        $run = Invoke-ScriptedHost -NoConnect -Script "$Command; Get-BwContext"

        $run.Errors | Should -BeNullOrEmpty
        $run.Terminating | Should -BeNullOrEmpty
        @($run.Verbose.Message | Where-Object { $_ -like "Reusing azurite (pid $AzuritePid) at *" }).Count | Should -Be 1
        $run.Verbose.Message | Where-Object { $_ -like '*Starting azurite*' } | Should -BeNullOrEmpty
        Get-ServicePid 'azurite' | Should -Be $AzuritePid
        $run.Output.Count | Should -Be 2
        foreach ($o in $run.Output) { $o.BlobEndpoint | Should -Be $Context.BlobEndpoint }
        Test-SameObject $run.Output[0] $run.Output[1] | Should -BeTrue
    }

    It 'is an ObjectNotFound error saying how to install Azurite when it is missing' {
        # A fresh process with a home of its own, so nothing of the suite's stack is touched.
        $home2 = Join-Path $TestDrive (New-TestId 'no-azurite')
        $missing = Join-Path $home2 'no/main.js'
        $script = Join-Path $TestDrive 'no-azurite.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Manifest, $Home2, $Missing)
$env:BATCHWORDS_HOME = $Home2
$env:BATCHWORDS_AZURITE = $Missing
Import-Module $Manifest
try { Connect-BwAccount -ErrorAction Stop; 'connected' }
catch { 'error|{0}|{1}|{2}|{3}' -f $_.FullyQualifiedErrorId, $_.CategoryInfo.Category, $_.TargetObject, $_.ErrorDetails.RecommendedAction }
finally { $null = Disconnect-BwAccount -StopLocalServices -Confirm:$false }
'@
        $lines = Invoke-TestPwsh -File $script -ArgumentList '-Manifest', $Manifest, '-Home2', $home2, '-Missing', $missing

        $line = @($lines | Where-Object { $_ -like 'error|*' })
        $line.Count | Should -Be 1 -Because ($lines -join "`n")
        $parts = $line[0].Split('|')
        $parts[1] | Should -Be 'AzuriteNotFound,BatchWords.PowerShell.ConnectBwAccountCommand'
        $parts[2] | Should -Be 'ObjectNotFound'
        $parts[3] | Should -Be $missing
        $parts[4] | Should -BeLike '*BATCHWORDS_AZURITE*'
        Join-Path $home2 'local/azurite-data' | Should -Not -Exist
    }

    It 'Get-BwContext emits nothing in a session that never connected; each session has its own current context' {
        $run = Invoke-ScriptedHost -NoConnect -Script 'Get-BwContext -Verbose'

        $run.Output | Should -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
        ($run.Verbose.Message -join "`n") | Should -BeLike '*run Connect-BwAccount*'
        Test-SameObject (Get-BwContext) $Context | Should -BeTrue
    }

    It 'connects a session that never connected to the Local backend when a cmdlet needs an account' {
        $name = New-TestId 'autoconnect' 16
        try {
            $run = Invoke-ScriptedHost -NoConnect -Script 'param($Name) New-BwContainer $Name -Verbose; Get-BwContext' -Parameters @{ Name = $name }

            $run.Errors | Should -BeNullOrEmpty
            @($run.Verbose.Message | Where-Object { $_ -like 'No account is connected in this session: connecting to the Local backend*' }).Count | Should -Be 1
            $run.Output.Count | Should -Be 2
            $run.Output[0].Status | Should -Be 'Created'
            $run.Output[1].Backend | Should -Be 'Local'
            $run.Output[1].BlobEndpoint | Should -Be $Context.BlobEndpoint
            Get-ServicePid 'azurite' | Should -Be $AzuritePid
            # Seen from this session: the container is there.
            (New-BwContainer $name).Status | Should -Be 'Existing'
        }
        finally { Remove-BwContainer $name -Force -ErrorAction SilentlyContinue }
    }

    It 'uses -Context for that call only' {
        $name = New-TestId 'ctxonly' 16
        try {
            $run = Invoke-ScriptedHost -NoConnect -Parameters @{ Context = $Context; Name = $name } -Script @'
param($Context, $Name)
Get-BwContext -Context $Context
$null = New-BwContainer $Name -Context $Context
Remove-BwContainer $Name -Context $Context -Force -PassThru
Get-BwContext
'@
            $run.Errors | Should -BeNullOrEmpty
            $run.Output.Count | Should -Be 2 -Because 'the session still has no current context'
            Test-SameObject $run.Output[0] $Context | Should -BeTrue
            $run.Output[1].Name | Should -Be $name
            $run.Output[1].Status | Should -Be 'Removed'
            Remove-BwContainer $name -Force -ErrorVariable gone -ErrorAction SilentlyContinue
            $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally { Remove-BwContainer $name -Force -ErrorAction SilentlyContinue }
    }

    It 'makes a saved context current with -Context, and refuses account parameters with it' {
        $run = Invoke-ScriptedHost -NoConnect -Parameters @{ Saved = $Context; Key = $SecureKey } -Script @'
param($Saved, $Key)
Connect-BwAccount -Context $Saved
Get-BwContext
Connect-BwAccount -Context $Saved -StorageAccountName other -StorageAccountKey $Key
'@
        $run.Output.Count | Should -Be 2
        foreach ($o in $run.Output) { Test-SameObject $o $Context | Should -BeTrue }
        $errors = @($run.Errors) + @($run.Terminating.ErrorRecord | Where-Object { $_ })
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'ContextWithAccountParameters,BatchWords.PowerShell.ConnectBwAccountCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-SameObject $errors[0].TargetObject $Context | Should -BeTrue
    }

    It 'Disconnect-BwAccount forgets the session''s context and leaves the local services running' {
        $run = Invoke-ScriptedHost -Script 'Disconnect-BwAccount -Verbose; Get-BwContext'

        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        @($run.Verbose.Message | Where-Object { $_ -like "Forgetting the session's context*" }).Count | Should -Be 1
        Test-ProcessAlive $AzuritePid | Should -BeTrue
        Test-ProcessAlive $EmulatorPid | Should -BeTrue
        # Azurite still answers, and this session keeps its own context.
        (Invoke-WebRequest -Uri "$($Context.BlobEndpoint)?comp=list" -SkipHttpErrorCheck -NoProxy).StatusCode | Should -BeGreaterOrEqual 200
        Test-SameObject (Get-BwContext) $Context | Should -BeTrue
    }

    It 'Disconnect-BwAccount -StopLocalServices -WhatIf says what it would stop and stops nothing' {
        $run = Invoke-ScriptedHost -Script 'Disconnect-BwAccount -StopLocalServices -WhatIf'

        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -BeNullOrEmpty
        $whatIf = @($run.HostLines | Where-Object { $_.Text -like 'What if:*' })
        $whatIf.Count | Should -Be 1
        $whatIf[0].Text | Should -Be "What if: Performing the operation `"Stop (SIGTERM)`" on target `"local services in $StateDirectory`"."
        Test-ProcessAlive $AzuritePid | Should -BeTrue
        Test-ProcessAlive $EmulatorPid | Should -BeTrue
        Get-ServicePid 'azurite' | Should -Be $AzuritePid
    }
}
