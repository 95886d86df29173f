#Requires -Version 7.4
<#
    Pester 5 suite: the Microsoft Entra ID path end to end and offline, on the local Entra ID stack
    (Connect-BwAccount -Local -UseEntraId): Azurite on HTTPS with --oauth basic and the Batch emulator on bearer
    tokens, both refusing shared keys. The tutorial and the README pipeline run through bearer tokens and
    user-delegation SAS; the emulator refuses missing, expired and wrong-audience tokens with the Bearer challenge;
    the Batch client refreshes a refused token; a TokenCredential made in this session (Azure.Core 1.53 in the
    default load context, not the module's 1.60) works, and one that cannot sign in fails naming the scope and roles.

        ./build.ps1 -Task Test -TestPath tests/EntraId.Tests.ps1

    What a test asserts about the services is read with plain HTTP (tests/TestSupport.ps1's probes, with tokens
    minted by New-TestEntraToken and the stack's certificate pinned by New-TestLoopbackClient), not the module.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'entra'
    Import-Module $Manifest -Force

    # A TokenCredential of this session: compiled against Azure.Core 1.53 in the default load context (as
    # Az.Accounts' or Azure.Identity's would be), which is not the module's Azure.Core.
    $oldCore = Get-TestOldAzureCore
    $clientModel = Join-Path (Split-Path $Manifest) 'dependencies/System.ClientModel.dll'
    $null = [Reflection.Assembly]::LoadFrom($clientModel)
    $null = [Reflection.Assembly]::LoadFrom($oldCore)
    if (-not ('BatchWordsTests.SessionCredential' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'EntraId/SessionCredential.cs') -IgnoreWarnings -CompilerOptions '/nowarn:CS1701' `
            -ReferencedAssemblies $oldCore, $clientModel, 'System.Memory', 'System.Runtime', 'System.Threading', 'netstandard'
    }

    $script:Context = Connect-BwAccount -Local -UseEntraId
    $script:EntraFolder = Join-Path $env:BATCHWORDS_HOME 'local-entra'
    $script:StorageClient = New-TestLoopbackClient $Context.BlobEndpoint (Join-Path $EntraFolder 'loopback-cert.pem')

    $script:Golden = Get-TutorialGolden

    function Get-SasParameters([string] $Url) {
        # The SAS query of a URL as a name -> value table.
        $table = @{}
        foreach ($pair in ([Uri] $Url).Query.TrimStart('?').Split('&', [StringSplitOptions]::RemoveEmptyEntries)) {
            $kv = $pair.Split('=', 2); $table[$kv[0]] = [Uri]::UnescapeDataString($kv[1])
        }
        $table
    }

    function Get-BearerBatch([string] $Path) {
        # A Batch resource read with a token of our own (the emulator accepts no Shared Key in this mode).
        (Invoke-TestBatchRequest GET $Path -Bearer (New-TestEntraToken) -Accept 404).Json
    }
}

AfterAll {
    $script:StorageClient.Dispose()
    Stop-TestLocalStack $TestHome
}

Describe 'The local Entra ID stack' -Tag 'Integration' {
    It 'connects with Entra ID for both services, on HTTPS storage, in a state folder of its own' {
        $Context.Backend | Should -Be 'Local'
        $Context.StorageAuthentication | Should -Be 'EntraId'
        $Context.BatchAuthentication | Should -Be 'EntraId'
        $Context.BlobEndpoint.Scheme | Should -Be 'https'
        $Context.BlobEndpoint.Host | Should -Be '127.0.0.1'
        # The certificate's private key is the user's alone; the state folder is not the plain stack's.
        (Get-Item (Join-Path $EntraFolder 'loopback-key.pem')).UnixFileMode | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite')
        Join-Path $env:BATCHWORDS_HOME 'local/azurite.json' | Should -Not -Exist
        # Connecting again reuses the running services.
        $again = Connect-BwAccount -Local -UseEntraId
        $again.BlobEndpoint | Should -Be $Context.BlobEndpoint
        $again.BatchEndpoint | Should -Be $Context.BatchEndpoint
    }

    It 'refuses shared keys on both services, even correctly signed' {
        # Azurite: a Shared Key request signed with the account's real key (Azurite's --oauth alone would accept it).
        $key = (Get-Content -Raw (Join-Path $EntraFolder 'azurite.key')).Trim()
        $storage = Invoke-TestStorageRequest GET '?comp=list' -Key $key -BlobEndpoint $Context.BlobEndpoint -Client $StorageClient -Accept 403
        $storage.Status | Should -Be 403
        $storage.Text | Should -Match 'KeyBasedAuthenticationNotPermitted'
        # The emulator: a Shared Key request signed with its real key.
        $batch = Invoke-TestBatchRequest GET 'pools' -StackFolder 'local-entra' -Accept 403
        $batch.Status | Should -Be 403
        $batch.Text | Should -Match 'SharedKey is not allowed for this account'
        # ... while a bearer token for the Batch audience passes.
        (Invoke-TestBatchRequest GET 'pools' -Bearer (New-TestEntraToken)).Status | Should -Be 200
    }

    It 'answers a missing, expired, not-yet-valid or wrong-audience token with 401 and the Bearer challenge' {
        $missing = Invoke-TestBatchRequest GET 'pools' -NoAuthorization -Accept 401
        $missing.Status | Should -Be 401
        $missing.Challenge | Should -BeLikeExactly 'Bearer authorization_uri="https://login.microsoftonline.com/*", resource="https://batch.core.windows.net/"'

        $expired = Invoke-TestBatchRequest GET 'pools' -Bearer (New-TestEntraToken -ExpiresOn ([DateTimeOffset]::UtcNow.AddSeconds(-5))) -Accept 401
        $expired.Status | Should -Be 401
        $expired.Challenge | Should -BeLikeExactly 'Bearer authorization_uri="https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555", error="invalid_token", resource="https://batch.core.windows.net/"'
        $expired.Text | Should -Match 'expiry'

        $early = Invoke-TestBatchRequest GET 'pools' -Bearer (New-TestEntraToken -NotBefore ([DateTimeOffset]::UtcNow.AddMinutes(2))) -Accept 401
        $early.Status | Should -Be 401

        $audience = Invoke-TestBatchRequest GET 'pools' -Bearer (New-TestEntraToken -Audience 'https://batch.core.windows.net') -Accept 401
        $audience.Status | Should -Be 401
        $audience.Text | Should -Match 'wrong audience'
    }

    It 'runs the README pipeline with bearer tokens; the nodes get user-delegation SAS signed with one key' {
        $job = New-TestId 'entra'; $pool = New-TestId 'entra'
        $here = Join-Path $TestDrive 'readme'
        $null = New-Item -ItemType Directory -Force -Path $here
        Push-Location $here
        try {
            $output = @(
                New-BwContainer application, input, output
                Get-ChildItem $TutorialData -Filter *.txt | Publish-BwInput -Container input |
                  Start-BwJob -JobId $job -Pool (New-BwPool -Id $pool) -Top 3 |
                  Wait-BwTask -Timeout 00:05:00 | Receive-BwOutput -Destination ./out
            )

            $downloaded = @($output | Select-Object -Skip 3)
            $downloaded.Name | Sort-Object -CaseSensitive | Should -Be @('taskdata1_OUTPUT.txt', 'taskdata2_OUTPUT.txt', 'taskdata3_OUTPUT.txt')
            [IO.File]::ReadAllText((Join-Path $here 'out/taskdata1_OUTPUT.txt')) | Should -BeLike "*to:`t18`nand:`t17`nyou:`t14*"

            # What the nodes were given, read from the emulator: every SAS is a user-delegation SAS (skoid, sktid) of
            # the context's identity, and all were signed with one delegation key (same key start and expiry).
            $tasks = @((Get-BearerBatch "jobs/$job/tasks").value)
            $tasks.Count | Should -Be 3
            $urls = @(foreach ($task in $tasks) {
                    $task.resourceFiles | ForEach-Object { if ($_.httpUrl) { $_.httpUrl } else { $_.storageContainerUrl } }
                    $task.outputFiles | ForEach-Object { $_.destination.container.containerUrl }
                })
            $urls.Count | Should -BeGreaterOrEqual 6
            $keys = foreach ($url in $urls) {
                $sas = Get-SasParameters $url
                $sas.skoid | Should -Match '^[0-9a-f-]{36}$' -Because "a user-delegation SAS names its signer: $(([Uri] $url).AbsolutePath)"
                $sas.sktid | Should -Be '72f988bf-0000-4000-8000-00000000b0c4'
                $sas.sig | Should -Not -BeNullOrEmpty
                "$($sas.skoid)|$($sas.skt)|$($sas.ske)"
            }
            @($keys | Select-Object -Unique).Count | Should -Be 1
            # The output container SAS writes and creates, nothing more.
            (Get-SasParameters $tasks[0].outputFiles[0].destination.container.containerUrl).sp | Should -Be 'cw'
        }
        finally {
            Pop-Location
            Remove-BwJob $job -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            Remove-BwPool $pool -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            Remove-BwContainer application, input, output -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        }
    }

    It 'runs Invoke-BwTutorial end to end and cleans up' {
        $job = New-TestId 'tutorial'; $pool = New-TestId 'tutorial'
        $destination = Join-Path $TestDrive 'tutorial'
        $results = @(Invoke-BwTutorial -Path (Join-Path $TutorialData '*.txt') -PoolId $pool -JobId $job -Destination $destination 6>$null)

        $results.Count | Should -Be 3
        foreach ($result in $results) {
            $result.Succeeded | Should -BeTrue
            Format-TopWords $result | Should -Be $Golden[(Split-Path -Leaf $result.Input)]
            $result.OutputPath | Should -Exist
        }
        # Cleaned up, as read with a token of our own.
        $jobLeft = Get-BearerBatch "jobs/$job"
        ($null -eq $jobLeft -or $jobLeft.state -eq 'deleting') | Should -BeTrue
        $storageToken = New-TestEntraToken -Audience 'https://storage.azure.com'
        foreach ($container in "$job-input", "$job-output", 'application') {
            (Invoke-TestStorageRequest GET "$container`?restype=container" -BlobEndpoint $Context.BlobEndpoint -Client $StorageClient -Bearer $storageToken -Accept 404).Status |
                Should -Be 404 -Because "the tutorial removes $container"
        }
    }

    It 'runs beside the plain shared-key stack, each on its own services' {
        $plain = Connect-BwAccount
        try {
            $plain.StorageAuthentication | Should -Be 'SharedKey'
            $plain.BlobEndpoint.Scheme | Should -Be 'http'
            $plain.BlobEndpoint.Port | Should -Not -Be $Context.BlobEndpoint.Port
            $plain.BatchEndpoint | Should -Not -Be $Context.BatchEndpoint
            # The plain stack takes its key as before.
            (Invoke-TestStorageRequest GET '?comp=list').Status | Should -Be 200
            (Invoke-TestBatchRequest GET 'pools').Status | Should -Be 200
        }
        finally { $null = Connect-BwAccount -Local -UseEntraId }
        # The Entra ID stack was neither stopped nor restarted by the plain one.
        (Get-BwContext).BlobEndpoint | Should -Be $Context.BlobEndpoint
    }
}

Describe '-Credential on the local Entra ID stack' -Tag 'Integration' {
    AfterEach { $null = Connect-BwAccount -Local -UseEntraId }

    It 'takes a TokenCredential made in the session, from another Azure.Core in another load context' {
        $credential = [BatchWordsTests.SessionCredential]::new()
        $baseAssembly = $credential.GetType().BaseType.Assembly
        $baseAssembly.GetName().Version | Should -Be ([version] '1.53.0.0')
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($baseAssembly).Name | Should -Be 'Default'

        $null = Connect-BwAccount -Local -UseEntraId -Credential $credential
        $container = New-TestId 'cred'
        try {
            (New-BwContainer -Name $container).Status | Should -Be 'Created'
            @(Get-BwPool).Count | Should -BeGreaterOrEqual 0
        }
        finally { Remove-BwContainer -Name $container -Force -ErrorAction SilentlyContinue }
        $credential.StorageTokens | Should -BeGreaterThan 0
        $credential.BatchTokens | Should -Be 1 -Because 'one Batch client per context keeps its token across cmdlets'
    }

    It 'gets a new Batch token when the emulator refuses one as expired before the credential said, and retries' {
        # The credential claims an hour but its Batch tokens expire after 2 s: the emulator answers 401 with the
        # challenge, the client fetches a new token and sends the request again, and the cmdlet never sees the 401.
        $credential = [BatchWordsTests.SessionCredential]::new()
        $credential.BatchLifetimeSeconds = 2
        $null = Connect-BwAccount -Local -UseEntraId -Credential $credential
        $null = @(Get-BwPool)
        $credential.BatchTokens | Should -Be 1
        Start-Sleep -Seconds 3
        $pools = @(Get-BwPool -ErrorVariable failed)
        $failed | Should -BeNullOrEmpty
        $credential.BatchTokens | Should -Be 2
    }

    It 'names the scope and the roles to check when the credential cannot get a token' {
        $credential = [BatchWordsTests.SessionCredential]::new()
        $credential.FailWith = 'AADSTS700016: application not found in the directory'
        $null = Connect-BwAccount -Local -UseEntraId -Credential $credential

        $storageError = { New-BwContainer -Name (New-TestId 'nocred') -ErrorAction Stop } | Should -Throw -PassThru
        $storageError.FullyQualifiedErrorId | Should -BeLike 'TokenAcquisitionFailed,*'
        $storageError.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $storageError.Exception.Message | Should -BeLike "*BatchWordsTests.SessionCredential*scope 'https://storage.azure.com/.default'*AADSTS700016*"
        $storageError.ErrorDetails.RecommendedAction | Should -BeLike '*Storage Blob Data Contributor*'

        $batchError = { Get-BwPool -ErrorAction Stop } | Should -Throw -PassThru
        $batchError.FullyQualifiedErrorId | Should -BeLike 'TokenAcquisitionFailed,*'
        $batchError.Exception.Message | Should -BeLike "*scope 'https://batch.core.windows.net//.default'*"
        $batchError.ErrorDetails.RecommendedAction | Should -BeLike '*Azure Batch Data Contributor*'
    }
}
