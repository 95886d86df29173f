<#
    What the Pester suites share, dot-sourced in their BeforeAll:

        . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    Where the built module and the tutorial data are, a BATCHWORDS_HOME of the suite's own and the local stack
    stopped at the end, child pwsh processes, unique ids, input files, waiting, and the fake worker
    (tests/fake-worker.sh).
#>

function Get-TestModuleManifest {
    # The module the build assembled (or BATCHWORDS_MODULE_PATH), which the suites import.
    $moduleDir = if ($env:BATCHWORDS_MODULE_PATH) { $env:BATCHWORDS_MODULE_PATH } else { Join-Path (Split-Path $PSScriptRoot) 'out/BatchWords' }
    $manifest = Join-Path $moduleDir 'BatchWords.psd1'
    if (-not (Test-Path $manifest)) { throw "The built module is missing ($manifest): run ./build.ps1 -Task Build first." }
    $manifest
}

function Get-TestTutorialData {
    # ../shared/tutorial-data beside the repository: the tutorial's three input files.
    $data = [IO.Path]::GetFullPath((Join-Path (Split-Path $PSScriptRoot) '../shared/tutorial-data'))
    if (-not (Test-Path (Join-Path $data '*.txt'))) { throw "The tutorial data is missing: $data" }
    $data
}

function Get-TutorialGolden {
    # The tutorial's golden top-3 lists, input file name -> 'word count, ...' (python_tutorial_task.py on its own
    # data); compare with Format-TopWords.
    @{
        'taskdata1.txt' = 'to 18, and 17, you 14'
        'taskdata2.txt' = 'Storage 11, for 8, data 7'
        'taskdata3.txt' = 'the 10, of 8, and 6'
    }
}

function Format-TopWords($Result) {
    # A result's top words as the golden lists write them: 'word count, word count, ...'.
    ($Result.TopWords | ForEach-Object { '{0} {1}' -f $_.Word, $_.Count }) -join ', '
}

function Use-TestHome([string] $Name = 'suite') {
    # A BATCHWORDS_HOME of the suite's own, never the developer's ~/.batchwords and never under $TestDrive:
    # Pester clears what a Describe created in $TestDrive when that Describe ends, which would delete Azurite's
    # blobs and the emulator's node sandboxes under the running services. The build puts these folders under
    # out/test-homes (BATCHWORDS_TEST_ROOT); a run started by hand puts them in the temp folder. Returns what
    # Stop-TestLocalStack (or Restore-TestHome) needs to stop, restore and remove.
    $root = if ($env:BATCHWORDS_TEST_ROOT) { $env:BATCHWORDS_TEST_ROOT } else { [IO.Path]::GetTempPath() }
    $path = Join-Path $root (New-TestId "home-$Name" 8)
    $null = New-Item -ItemType Directory -Force -Path $path
    $state = [pscustomobject]@{ Path = $path; PreviousHome = $env:BATCHWORDS_HOME }
    $env:BATCHWORDS_HOME = $path
    $state
}

function Restore-TestHome($State) {
    # Unloads the module, restores the previous BATCHWORDS_HOME and removes the suite's own.
    Remove-Module BatchWords -ErrorAction SilentlyContinue
    $env:BATCHWORDS_HOME = $State.PreviousHome
    if (Test-Path $State.Path) { Remove-Item $State.Path -Recurse -Force -ErrorAction SilentlyContinue }
}

function Stop-TestLocalStack($State) {
    # Stops the services the suite started under its BATCHWORDS_HOME, then removes that folder; fails the suite
    # if a service would not stop (the folder is then kept, for its logs).
    $stopped = @()
    if (Get-Command Disconnect-BwAccount -ErrorAction Ignore) {
        $stopped = @(Disconnect-BwAccount -StopLocalServices -Confirm:$false)
    }
    $still = @($stopped | Where-Object Status -EQ 'StillRunning')
    if ($still) {
        Remove-Module BatchWords -ErrorAction SilentlyContinue
        $env:BATCHWORDS_HOME = $State.PreviousHome
        throw "Still running after -StopLocalServices: $(($still | ForEach-Object { "$($_.Name) (pid $($_.ProcessId))" }) -join ', '); logs in $($State.Path)"
    }
    Restore-TestHome $State
}

function Get-TestPwsh {
    # The command line that starts a child pwsh like this one: [Environment]::ProcessPath is 'dotnet' when
    # pwsh runs as a dotnet tool, and then the entry assembly (pwsh.dll) must follow it.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, [Reflection.Assembly]::GetEntryAssembly().Location)
    }
    @($process)
}

function Invoke-TestPwsh {
    # Runs a script file in a fresh, non-interactive child pwsh; returns its output lines (stderr merged) and
    # sets $LASTEXITCODE. Extra arguments follow the file, as 'pwsh -File' takes them.
    param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @())
    $pwsh = @(Get-TestPwsh)
    $rest = @($pwsh | Select-Object -Skip 1)
    & $pwsh[0] @rest -NoProfile -NonInteractive -File $File @ArgumentList 2>&1 | ForEach-Object { "$_" }
}

function Get-TestOldAzureCore {
    # Azure.Core 1.53.0, which the build restores from NuGet (tests/BatchWords.TestTools) for the load-context
    # test. Missing means the build did not run: an error, never a silent skip.
    $path = $env:BATCHWORDS_TEST_OLD_AZURE_CORE
    if (-not $path -or -not (Test-Path $path)) {
        throw "Azure.Core 1.53.0 is missing ('$path'): run the tests with ./build.ps1 -Task Test, which restores it."
    }
    $path
}

function New-TestId([string] $Stem, [int] $Length = 12) {
    # Unique per call, valid as a container, pool or job id.
    '{0}-{1}' -f $Stem, [guid]::NewGuid().ToString('N').Substring(0, $Length)
}

function New-TestInput([string] $Name, [string] $Content, [string] $Directory = (Join-Path $TestDrive 'inputs')) {
    # A text file with exactly this content (no newline added), as a FileInfo for Publish-BwInput or -Path.
    $null = New-Item -ItemType Directory -Force -Path $Directory
    $path = Join-Path $Directory $Name
    Set-Content -LiteralPath $path -Value $Content -NoNewline -Encoding utf8NoBOM
    Get-Item -LiteralPath $path
}

function New-FakeWorker([string] $Name = 'fake-worker', [string] $Directory = (Join-Path $TestDrive (New-TestId 'program'))) {
    # tests/fake-worker.sh as an executable $Name; sleeping tasks write their pids into the returned Pids directory.
    $pids = Join-Path $Directory 'pids'
    $null = New-Item -ItemType Directory -Force -Path $pids
    $path = Join-Path $Directory $Name
    $script = Get-Content -LiteralPath (Join-Path $PSScriptRoot 'fake-worker.sh') -Raw
    Set-Content -LiteralPath $path -Value $script.Replace("`r`n", "`n").Replace('@PID_DIRECTORY@', $pids) -NoNewline
    chmod 755 $path
    [pscustomobject]@{ Path = $path; Pids = $pids }
}

function Wait-Until([scriptblock] $Condition, [string] $What, [int] $TimeoutSeconds = 60) {
    # Polls; only a guard against a hang, never a timing assertion.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Not true within $TimeoutSeconds s: $What" }
        [Threading.Thread]::Sleep(100)
    }
}

function Test-ProcessAlive([int] $ProcessId) {
    # Running, and not a zombie waiting for its parent to reap it.
    # The process can exit between the two calls: its /proc entry is then gone (not found), also dead.
    $stat = "/proc/$ProcessId/stat"
    try { (Test-Path $stat) -and (Get-Content $stat -Raw -ErrorAction Stop) -notmatch '\) Z ' }
    catch [IO.IOException], [Management.Automation.ItemNotFoundException] { $false }
}

function Invoke-ScriptedHost {
    <#
        Runs $Script in a fresh runspace of this process whose host is tests/ScriptedHost.cs: prompts are answered
        from -Answer (choice labels such as 'Yes', 'No', 'Yes to All'), and "What if:" text, warnings and
        Out-Default's tables (with -ToHost) are recorded as host lines at -Width columns. The module is imported
        and, unless -NoConnect, connected to the caller's current context, so the runspace uses the same local
        stack. -StopWhen (a script block, polled every 100 ms in the caller) stops the pipeline the way Ctrl+C
        does. A prompt with no answer left, or a request to read input, is an error here (the test fails).
        Returns Output, Errors, Warnings, Verbose, Information, Progress, Terminating, HostLines (Kind, Text),
        Prompts (Caption, Message, Choices, Answer), HostProgress and UnusedAnswers.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Parameters = @{},
        [string[]] $Answer = @(),
        [switch] $ToHost,
        [int] $Width = 160,
        [switch] $NoConnect,
        [switch] $NoModule,
        [scriptblock] $StopWhen,
        [int] $TimeoutSeconds = 180
    )
    if (-not ('BatchWords.Tests.ScriptedHost' -as [type])) {
        Add-Type -Path (Join-Path $PSScriptRoot 'ScriptedHost.cs') -IgnoreWarnings -WarningAction SilentlyContinue
    }
    $scriptedHost = [BatchWords.Tests.ScriptedHost]::new($Width)
    if ($Answer) { $null = $scriptedHost.Answer($Answer) }
    $runspace = [runspacefactory]::CreateRunspace($scriptedHost, [Management.Automation.Runspaces.InitialSessionState]::CreateDefault())
    $runspace.Open()
    $context = if (-not $NoConnect -and -not $NoModule) { Get-BwContext -ErrorAction SilentlyContinue }
    try {
        $setup = [powershell]::Create()
        $setup.Runspace = $runspace
        $null = $setup.AddScript('param($Manifest, $Context) $PSStyle.OutputRendering = "PlainText"
            if ($Manifest) { Import-Module $Manifest -ErrorAction Stop }
            if ($Context) { $null = Connect-BwAccount -Context $Context }').
            AddParameter('Manifest', $(if ($NoModule) { $null } else { Get-TestModuleManifest })).AddParameter('Context', $context)
        $null = $setup.Invoke()
        if ($setup.Streams.Error.Count) { throw "Setting up the scripted host failed: $($setup.Streams.Error[0])" }
        $setup.Dispose()

        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript($Script)
        foreach ($name in $Parameters.Keys) { $null = $ps.AddParameter($name, $Parameters[$name]) }
        if ($ToHost) { $null = $ps.AddCommand('Out-Default') }
        $mark = $scriptedHost.Recorder.Mark()
        $inputData = [Management.Automation.PSDataCollection[psobject]]::new(); $inputData.Complete()
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $pending = $ps.BeginInvoke($inputData, $output)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        if ($StopWhen) {
            while (-not (& $StopWhen)) {
                if ($pending.AsyncWaitHandle.WaitOne(100)) { throw "The script ended before the condition to stop it held: $Script`n$($ps.Streams.Error -join "`n")" }
                if ([DateTime]::UtcNow -gt $deadline) { $ps.Stop(); throw "The condition to stop the script did not hold within $TimeoutSeconds s: $Script" }
            }
            $stopping = $ps.BeginStop($null, $null)
            if (-not $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))) { throw "The pipeline did not stop within $TimeoutSeconds s of Stop(): $Script" }
            $ps.EndStop($stopping)
        }
        if (-not $pending.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))) {
            $ps.Stop(); throw "The script did not finish within $TimeoutSeconds s and was stopped: $Script"
        }
        $terminating = $null
        try { $null = $ps.EndInvoke($pending) } catch { $terminating = $_.Exception.InnerException ?? $_.Exception }
        $unexpected = @($scriptedHost.Recorder.UnexpectedSince($mark))
        if ($unexpected) { throw "The host was asked for input it was not given:`n  $($unexpected -join "`n  ")" }
        [pscustomobject]@{
            Output        = @($output)
            Errors        = @($ps.Streams.Error)
            Warnings      = @($ps.Streams.Warning)
            Verbose       = @($ps.Streams.Verbose)
            Information   = @($ps.Streams.Information)
            Progress      = @($ps.Streams.Progress)
            Terminating   = $terminating
            HostLines     = @($scriptedHost.Recorder.LinesSince($mark))
            Prompts       = @($scriptedHost.Recorder.PromptsSince($mark))
            HostProgress  = @($scriptedHost.Recorder.ProgressSince($mark))
            UnusedAnswers = @($scriptedHost.Recorder.UnusedAnswers())
        }
    }
    finally {
        if ($ps) { $ps.Dispose() }
        $runspace.Dispose()
    }
}

# --- Independent probes: requests to the local Azurite and Batch emulator signed with Shared Key, written here
# from the services' references (not taken from the module), so a test can check what the cmdlets did through a
# second path. One HttpClient for the run, with no proxy (loopback).
$script:TestProbeHttp = [Net.Http.HttpClient]::new([Net.Http.SocketsHttpHandler]@{ UseProxy = $false })
$script:TestProbeHttp.Timeout = [TimeSpan]::FromSeconds(60)

function Get-TestStorageAccount {
    # The local Azurite's account name and key. The key is the stack's own when BATCHWORDS_HOME/local holds one
    # (azurite.key), else Azurite's published development key.
    $keyFile = Join-Path $env:BATCHWORDS_HOME 'local/azurite.key'
    $key = if (Test-Path $keyFile) { (Get-Content -Raw $keyFile).Trim() }
    else { 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==' }
    [pscustomobject]@{ Name = 'devstoreaccount1'; Key = $key }
}

function Get-TestSharedKeySignature([string] $Key, [string] $Text) {
    $hmac = [Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($Key))
    try { [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($Text))) } finally { $hmac.Dispose() }
}

function Get-TestCanonicalQuery([Uri] $Uri, [switch] $SortValues) {
    # "\nname:value1,value2" per query parameter, names lowercased and sorted (Shared Key, both services).
    $query = if ($Uri.Query.Length -gt 1) { $Uri.Query.Substring(1) } else { '' }
    $pairs = foreach ($part in $query.Split('&', [StringSplitOptions]::RemoveEmptyEntries)) {
        $kv = $part.Split('=', 2)
        [pscustomobject]@{ Name = [Uri]::UnescapeDataString($kv[0]).ToLowerInvariant(); Value = if ($kv.Count -gt 1) { [Uri]::UnescapeDataString($kv[1]) } else { '' } }
    }
    $text = ''
    foreach ($group in @($pairs | Group-Object Name -CaseSensitive) | Sort-Object { $_.Name } -Culture '') {
        $values = @($group.Group.Value)
        if ($SortValues) { $values = [string[]] $values; [Array]::Sort($values, [StringComparer]::Ordinal) }
        $text += "`n$($group.Name):$($values -join ',')"
    }
    $text
}

function Invoke-TestStorageRequest {
    # A request to the local Azurite ($Path relative to the blob endpoint, sent as given) signed with the account's
    # Shared Key. Returns Status, Body (bytes) and ETag; a status >= 400 not in -Accept throws. Sent again on a
    # fresh connection when Node closed a kept-alive one.
    # -Key and -BlobEndpoint sign with another key or reach another Azurite than the session's (an intruder's key,
    # an older stack).
    # -Client sends through another HttpClient (New-TestLoopbackClient for the Entra ID stack's HTTPS Azurite);
    # -Bearer sends that token instead of Shared Key.
    param([string] $Method, [string] $Path, [byte[]] $Body, [hashtable] $Headers = @{}, [int[]] $Accept = @(), [string] $Key, [Uri] $BlobEndpoint,
        [Net.Http.HttpClient] $Client = $script:TestProbeHttp, [string] $Bearer)
    $account = Get-TestStorageAccount
    if ($Key) { $account.Key = $Key }
    $blobEndpoint = $(if ($BlobEndpoint) { $BlobEndpoint } else { (Get-BwContext).BlobEndpoint }).ToString().TrimEnd('/')
    for ($attempt = 1; ; $attempt++) {
        $uri = [Uri]::new("$blobEndpoint/$Path")
        $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method), $uri)
        if ($null -ne $Body) { $request.Content = [Net.Http.ByteArrayContent]::new($Body) }
        $ms = [Collections.Generic.SortedDictionary[string, string]]::new([StringComparer]::Ordinal)
        $ms['x-ms-date'] = [DateTimeOffset]::UtcNow.ToString('R', [cultureinfo]::InvariantCulture)
        $ms['x-ms-version'] = '2021-12-02'
        foreach ($name in $Headers.Keys) { $ms[$name.ToLowerInvariant()] = $Headers[$name] }
        foreach ($name in $ms.Keys) { $null = $request.Headers.TryAddWithoutValidation($name, $ms[$name]) }
        $length = if ($Body.Length -gt 0) { "$($Body.Length)" } else { '' }
        # VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range
        $toSign = (@($Method, '', '', $length, '', '', '', '', '', '', '', '') -join "`n") + "`n"
        foreach ($name in $ms.Keys) { $toSign += "${name}:$($ms[$name])`n" }
        $toSign += "/$($account.Name)$($uri.AbsolutePath)" + (Get-TestCanonicalQuery $uri)
        $authorization = if ($Bearer) { "Bearer $Bearer" } else { "SharedKey $($account.Name):$(Get-TestSharedKeySignature $account.Key $toSign)" }
        $null = $request.Headers.TryAddWithoutValidation('Authorization', $authorization)
        try { $response = $Client.Send($request); break }
        catch [Net.Http.HttpRequestException] { if ($attempt -ge 3) { throw } }
        finally { $request.Dispose() }
    }
    try {
        $status = [int] $response.StatusCode
        $bytes = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode -and $status -notin $Accept) {
            throw "$Method $Path`: $status $($response.ReasonPhrase): $([Text.Encoding]::UTF8.GetString($bytes))"
        }
        [pscustomobject]@{ Status = $status; Body = $bytes; ETag = $response.Headers.ETag.Tag; Text = [Text.Encoding]::UTF8.GetString($bytes) }
    }
    finally { $response.Dispose() }
}

function Invoke-TestBatchRequest {
    # A request to the local Batch emulator ($Path relative to the Batch endpoint; api-version added) signed with
    # the account's Shared Key (batch-rest-api.md §7.1). Returns Status, Text and Json (parsed, when any); a status
    # >= 400 not in -Accept throws.
    # -StackFolder 'local-entra' signs with the Entra ID stack's emulator key; -Bearer sends that token instead of
    # Shared Key, -NoAuthorization nothing. The result's Challenge is the WWW-Authenticate header, if any.
    # -Raw: the body is a file (node or task files), returned as Text only.
    param([string] $Method = 'GET', [string] $Path, [string] $Json, [int[]] $Accept = @(), [string] $StackFolder = 'local',
        [string] $Bearer, [switch] $NoAuthorization, [switch] $Raw)
    $context = Get-BwContext
    $account = $context.BatchAccountName
    $key = if (-not $Bearer -and -not $NoAuthorization) { (Get-Content -Raw (Join-Path $env:BATCHWORDS_HOME "$StackFolder/batch-emulator.key")).Trim() }
    $uri = [Uri]::new([Uri] ($context.BatchEndpoint.ToString().TrimEnd('/') + '/'), $Path)
    if ($uri.Query -notmatch 'api-version=') { $uri = [Uri] ("$uri" + $(if ($uri.Query) { '&' } else { '?' }) + 'api-version=2025-06-01.21.0') }
    $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method), $uri)
    $type = 'application/json; odata=minimalmetadata'
    $body = if ($Json) { [Text.Encoding]::UTF8.GetBytes($Json) } else { [byte[]]::new(0) }
    if ($Json) {
        $request.Content = [Net.Http.ByteArrayContent]::new($body)
        $null = $request.Content.Headers.TryAddWithoutValidation('Content-Type', $type)
    }
    $date = [DateTimeOffset]::UtcNow.ToString('R', [cultureinfo]::InvariantCulture)
    $null = $request.Headers.TryAddWithoutValidation('ocp-date', $date)
    $length = if ($body.Length) { "$($body.Length)" } else { '' }
    $toSign = (@($Method, '', '', $length, '', $(if ($Json) { $type } else { '' }), '', '', '', '', '', '') -join "`n") + "`n" +
        "ocp-date:$date`n/$account$($uri.AbsolutePath)" + (Get-TestCanonicalQuery $uri)
    $authorization = if ($Bearer) { "Bearer $Bearer" } else { "SharedKey ${account}:$(Get-TestSharedKeySignature $key $toSign)" }
    if (-not $NoAuthorization) { $null = $request.Headers.TryAddWithoutValidation('Authorization', $authorization) }
    $response = $script:TestProbeHttp.Send($request)
    try {
        $status = [int] $response.StatusCode
        $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode -and $status -notin $Accept) { throw "$Method $Path`: $status $($response.ReasonPhrase): $text" }
        [pscustomobject]@{
            Status = $status; Text = $text; Json = $(if ($response.IsSuccessStatusCode -and $text -and -not $Raw) { $text | ConvertFrom-Json })
            Challenge = $(if ($response.Headers.WwwAuthenticate.Count) { $response.Headers.WwwAuthenticate.ToString() })
        }
    }
    finally { $response.Dispose(); $request.Dispose() }
}

function New-TestEntraToken {
    # An unsigned JWT as the local Entra ID stack accepts (and as its own credential mints): written here, not by
    # the module, so a test can send tokens the module would never make (wrong audience, expired).
    param([string] $Audience = 'https://batch.core.windows.net/', [DateTimeOffset] $ExpiresOn = [DateTimeOffset]::UtcNow.AddHours(1),
        [DateTimeOffset] $NotBefore = [DateTimeOffset]::UtcNow.AddMinutes(-1), [string] $ObjectId = [guid]::NewGuid().ToString(),
        [string] $TenantId = '11111111-2222-4333-8444-555555555555')
    function ConvertTo-Base64Url([string] $Json) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Json)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    $claims = [ordered]@{
        aud = $Audience; iss = "https://sts.windows.net/$TenantId/"; iat = $NotBefore.ToUnixTimeSeconds(); nbf = $NotBefore.ToUnixTimeSeconds()
        exp = $ExpiresOn.ToUnixTimeSeconds(); oid = $ObjectId; tid = $TenantId
    }
    (ConvertTo-Base64Url '{"alg":"none","typ":"JWT"}') + '.' + (ConvertTo-Base64Url ($claims | ConvertTo-Json -Compress)) + '.'
}

function New-TestLoopbackClient([Uri] $Endpoint, [string] $CertificateFile) {
    # An HttpClient for the Entra ID stack's HTTPS Azurite that trusts its self-signed certificate (by SHA-256, on
    # that host and port only), as the module's own clients do; everything else is validated normally.
    $pem = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $CertificateFile))
    $thumbprint = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($pem.RawData))
    # C#, not a script block: the TLS callback may run on a thread with no PowerShell runspace.
    if (-not ('BatchWordsTests.PinnedLoopbackHandler' -as [type])) {
        Add-Type -TypeDefinition @'
namespace BatchWordsTests {
    public static class PinnedLoopbackHandler {
        public static System.Net.Http.HttpClientHandler Create(string host, int port, string thumbprint) {
            return new System.Net.Http.HttpClientHandler {
                UseProxy = false,
                ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None
                    || (request.RequestUri.Host == host && request.RequestUri.Port == port && certificate != null
                        && System.Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)) == thumbprint),
            };
        }
    }
}
'@
    }
    [Net.Http.HttpClient]::new([BatchWordsTests.PinnedLoopbackHandler]::Create($Endpoint.Host, $Endpoint.Port, $thumbprint))
}

function Invoke-TestAnonymousRequest([string] $Method, [Uri] $Uri, [byte[]] $Body) {
    # No Authorization header: what a Batch node does with a SAS URL. Returns Status and Body (bytes).
    $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method), $Uri)
    if ($null -ne $Body) {
        $request.Content = [Net.Http.ByteArrayContent]::new($Body)
        $null = $request.Headers.TryAddWithoutValidation('x-ms-blob-type', 'BlockBlob')
        $null = $request.Headers.TryAddWithoutValidation('x-ms-version', '2021-12-02')
    }
    $response = $script:TestProbeHttp.Send($request)
    try { [pscustomobject]@{ Status = [int] $response.StatusCode; Body = $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult() } }
    finally { $response.Dispose(); $request.Dispose() }
}

# Containers and blobs through the storage probe (not the module).
function Test-ProbeContainer([string] $Name) { (Invoke-TestStorageRequest GET "$Name`?restype=container" -Accept 404).Status -ne 404 }
function New-ProbeContainer([string] $Name) { $null = Invoke-TestStorageRequest PUT "$Name`?restype=container" }
function Remove-ProbeContainer([string] $Name) { $null = Invoke-TestStorageRequest DELETE "$Name`?restype=container" -Accept 404 }
function Set-ProbeBlob([string] $Container, [string] $Blob, [string] $Content) {
    $null = Invoke-TestStorageRequest PUT "$Container/$Blob" ([Text.Encoding]::UTF8.GetBytes($Content)) @{ 'x-ms-blob-type' = 'BlockBlob' }
}
function Get-ProbeBlob([string] $Container, [string] $Blob) {
    # The blob's bytes, or $null when there is no such blob.
    $response = Invoke-TestStorageRequest GET "$Container/$Blob" -Accept 404
    if ($response.Status -eq 404) { return $null }
    , $response.Body
}
function Get-ProbeBlobETag([string] $Container, [string] $Blob) { (Invoke-TestStorageRequest HEAD "$Container/$Blob").ETag }
function Get-ProbeBlobList([string] $Container) {
    # Every blob name, following the continuation markers, in the service's (ordinal) order.
    $marker = $null
    do {
        $relative = "$Container`?restype=container&comp=list" + $(if ($marker) { '&marker=' + [Uri]::EscapeDataString($marker) })
        $xml = [xml] [Text.Encoding]::UTF8.GetString((Invoke-TestStorageRequest GET $relative).Body)
        $xml.EnumerationResults.Blobs.Blob | Where-Object { $_ } | ForEach-Object { $_.Name }
        $marker = $xml.EnumerationResults.NextMarker
    } while ($marker)
}

function Start-TestPreemption {
    <#
        A thread job that preempts the busiest running Spot node of the pool through the emulator-only hook (POST
        /emulator/pools/{id}/preempt, not part of the Batch API) $Times times, $EverySeconds apart, each time once a
        Spot node is running a task, until $StopFile exists (when given) or three minutes pass; its output is the ids
        of the nodes it preempted. It imports the module in its own runspace to find the same local stack
        (BATCHWORDS_HOME is process-wide). Used by tests/Capacity.Tests.ps1 and bench/Preemption.Bench.ps1.
    #>
    param([Parameter(Mandatory)] [string] $PoolId, [int] $Times = 1, [double] $EverySeconds = 1, [string] $StopFile)
    Start-ThreadJob -ArgumentList $PSScriptRoot, (Get-TestModuleManifest), $PoolId, $Times, $EverySeconds, $StopFile -ScriptBlock {
        param($TestsRoot, $Manifest, $PoolId, $Times, $EverySeconds, $StopFile)
        . (Join-Path $TestsRoot 'TestSupport.ps1')
        Import-Module $Manifest -Force
        $null = Connect-BwAccount
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        $preempted = 0
        while ($preempted -lt $Times -and [DateTime]::UtcNow -lt $deadline -and -not ($StopFile -and (Test-Path $StopFile))) {
            $busy = @((Invoke-TestBatchRequest GET "pools/$PoolId/nodes").Json.value | Where-Object { $_.state -eq 'running' -and -not $_.isDedicated })
            if ($busy.Count -eq 0) { Start-Sleep -Milliseconds 100; continue }
            $answer = Invoke-TestBatchRequest POST "emulator/pools/$PoolId/preempt" -Json '{"count":1}' -Accept 409
            if ($answer.Status -eq 200 -and @($answer.Json.preempted).Count -gt 0) {
                $answer.Json.preempted
                $preempted++
                Start-Sleep -Seconds $EverySeconds
            }
        }
    }
}
