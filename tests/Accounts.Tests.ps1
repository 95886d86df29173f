#Requires -Version 7.4
<#
    Pester 5 suite for machines with pwsh: Connect-BwAccount's Azure parameter sets. Azure contexts send no
    request when they are made, so these tests need no Azure account and no local stack: they check the
    validation, and that no key, SAS token or connection string shows in the context, its ToString, its
    format view or verbose output. CI parses this file (tests/BatchWords.PowerShell.Tests).

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Accounts.Tests.ps1
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TestHome = Use-TestHome
    Import-Module (Get-TestModuleManifest) -Force

    $bytes = [byte[]]::new(64)
    [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    $script:Key = [Convert]::ToBase64String($bytes)
    $script:SecureKey = ConvertTo-SecureString -String $Key -AsPlainText -Force
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
}

AfterAll {
    Disconnect-BwAccount
    Stop-TestLocalStack $TestHome
}

Describe 'Connect-BwAccount to Azure accounts' {
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

    It 'adds a Batch account with a shared key, named after the URL' {
        $context = Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountUrl https://mybatch.westeurope.batch.azure.com -BatchAccountKey $SecureKey
        $context.BatchAccountName | Should -Be 'mybatch'
        $context.BatchAuthentication | Should -Be 'SharedKey'
    }

    It 'sends no request while connecting' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $endpoint = "http://127.0.0.1:$($listener.LocalEndpoint.Port)/mystorage"
            $null = Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BlobEndpoint $endpoint
            $listener.Pending() | Should -BeFalse
        }
        finally { $listener.Stop() }
    }

    It 'rejects <Case> with <ErrorId> naming the value' -ForEach @(
        @{ Case = 'an invalid account name'; ErrorId = 'InvalidStorageAccountName'; Target = 'Bad_Name'; Connect = { Connect-BwAccount -StorageAccountName Bad_Name -StorageAccountKey $SecureKey -ErrorAction Stop } }
        @{ Case = 'a key that is not base64'; ErrorId = 'InvalidAccountKey'; Target = 'mystorage'; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey (ConvertTo-SecureString 'not base64!' -AsPlainText -Force) -ErrorAction Stop } }
        @{ Case = 'a Batch key without a Batch URL'; ErrorId = 'MissingBatchAccountUrl'; Target = $null; Connect = { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -BatchAccountKey $SecureKey -ErrorAction Stop } }
        @{ Case = 'a malformed connection string'; ErrorId = 'InvalidConnectionString'; Target = $null; Connect = { Connect-BwAccount -ConnectionString 'not a connection string' -ErrorAction Stop } }
    ) {
        $record = $null
        try { & $Connect } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be "$ErrorId,BatchWords.PowerShell.ConnectBwAccountCommand"
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.TargetObject | Should -Be $Target
        "$record" | Should -Not -BeLike "*$Key*"
    }

    It 'refuses two ways to authorize at once' {
        { Connect-BwAccount -StorageAccountName mystorage -StorageAccountKey $SecureKey -SasToken $SasToken -ErrorAction Stop } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,BatchWords.PowerShell.ConnectBwAccountCommand'
    }
}
