#Requires -Version 7.4
<#
    Pester 5 suite: no account key, SAS token or SAS signature, and no connection string, appears in anything
    a user or a log sees. Every run goes through Invoke-ScriptedHost (a fresh runspace with a scripted host),
    and everything it exposed is searched: the output objects (ToString, the base object's ToString and every
    property), error records (message, exception chain, details, category, target), the terminating error,
    warnings, verbose, information, progress (stream and host), the host's lines (Out-Default's format views,
    "What if:", and the error, warning, verbose, debug and information lines; debug is on in every script) and
    prompts. BwInputFile's read SAS is reached only by its GetReadSasUri() method, so no property carries one.

    Storage: the four ways to authorize an Azure context (shared key, SAS token, a connection string with a key,
    one with a SAS), each pointed at the suite's Azurite; a wrong key; a forged SAS; the Local context.
    Batch: every Batch cmdlet, and Invoke-BwTutorial, with -Verbose; the secrets (the emulator's account key,
    Azurite's key, every SAS signature the run issued) are read afterwards from the emulator through an
    independent Shared Key probe.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/SecretHygiene.Tests.ps1
#>

BeforeDiscovery {
    $script:Kinds = 'SharedKey', 'SasToken', 'KeyConnectionString', 'SasConnectionString'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'secrets'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount

    # --- Independent checks through the probes of tests/TestSupport.ps1 (Shared Key signed, not the module's code). ---
    $script:StorageAccount = (Get-TestStorageAccount).Name
    $script:DevKey = (Get-TestStorageAccount).Key
    $script:BatchKey = (Get-Content -Raw (Join-Path $TestHome.Path 'local/batch-emulator.key')).Trim()
    $script:StorageVersion = '2021-12-02'
    $script:BlobEndpoint = $Context.BlobEndpoint.ToString().TrimEnd('/')
    function Get-ProbeBlobName([string] $Container) { Get-ProbeBlobList $Container }

    function New-AccountSas([string] $Permissions = 'racwdl', [int] $Hours = 1) {
        # An account SAS token (no leading '?') for the blob service, signed with the account key: what a user
        # would paste into Connect-BwAccount -SasToken.
        $start = [DateTimeOffset]::UtcNow.AddMinutes(-5).ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
        $expiry = [DateTimeOffset]::UtcNow.AddHours($Hours).ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
        # Version 2020-12-06 and later sign the encryption scope too (empty here).
        $toSign = (@($StorageAccount, $Permissions, 'b', 'sco', $start, $expiry, '', 'https,http', $StorageVersion, '') -join "`n") + "`n"
        $signature = Get-TestSharedKeySignature $DevKey $toSign
        "sv=$StorageVersion&ss=b&srt=sco&sp=$Permissions&st=$([Uri]::EscapeDataString($start))&se=$([Uri]::EscapeDataString($expiry))&spr=https,http&sig=$([Uri]::EscapeDataString($signature))"
    }

    function Get-BatchProbe([string] $Path) { (Invoke-TestBatchRequest GET $Path).Json }

    function Get-SasSignature([string] $Url) {
        # The 'sig' of a SAS URL or token, unescaped; fails when there is none.
        if ($Url -notmatch '(?:^|[?&])sig=([^&]+)') { throw "No signature in $Url" }
        [Uri]::UnescapeDataString($Matches[1])
    }

    function Get-SecretForm([string[]] $Signature) {
        # A signature as it can show: plain and URL-escaped.
        foreach ($s in $Signature) { $s; [Uri]::EscapeDataString($s) }
    }

    function Get-BatchSecret([string] $Pool, [string] $Job, [string[]] $TaskId) {
        # The keys and every SAS signature the service holds for the pool's start task and the job's tasks.
        $signatures = @(Get-SasSignature (Get-BatchProbe "pools/$Pool").startTask.resourceFiles[0].httpUrl)
        foreach ($id in $TaskId) {
            $task = Get-BatchProbe "jobs/$Job/tasks/$id"
            $signatures += Get-SasSignature $task.resourceFiles[0].httpUrl
            $signatures += Get-SasSignature $task.outputFiles[0].destination.container.containerUrl
        }
        @(Get-SecretForm $signatures) + $BatchKey + $DevKey | Select-Object -Unique
    }

    function Get-ShownText($Run, [string[]] $ExceptOutputProperty = @()) {
        # Every piece of text the run exposed to a user or a log, as Where/Text pairs.
        $i = 0
        foreach ($o in $Run.Output) {
            [pscustomobject]@{ Where = "output[$i]"; Text = "$o" }
            [pscustomobject]@{ Where = "output[$i].BaseObject"; Text = "$($o.PSObject.BaseObject)" }
            foreach ($property in $o.PSObject.Properties) {
                if ($property.Name -in $ExceptOutputProperty) { continue }
                try { $value = $property.Value } catch { continue }
                if ($null -ne $value) { [pscustomobject]@{ Where = "output[$i].$($property.Name)"; Text = "$value" } }
            }
            $i++
        }
        $records = @($Run.Errors)
        if ($Run.Terminating) {
            [pscustomobject]@{ Where = 'terminating'; Text = $Run.Terminating.ToString() }
            if ($Run.Terminating.ErrorRecord) { $records += $Run.Terminating.ErrorRecord }
        }
        $i = 0
        foreach ($e in $records) {
            [pscustomobject]@{ Where = "error[$i]"; Text = "$e" }
            [pscustomobject]@{ Where = "error[$i].Exception"; Text = $e.Exception.ToString() }
            [pscustomobject]@{ Where = "error[$i].FullyQualifiedErrorId"; Text = $e.FullyQualifiedErrorId }
            [pscustomobject]@{ Where = "error[$i].CategoryInfo"; Text = $e.CategoryInfo.ToString() }
            if ($e.ErrorDetails) { [pscustomobject]@{ Where = "error[$i].ErrorDetails"; Text = "$($e.ErrorDetails.Message) $($e.ErrorDetails.RecommendedAction)" } }
            if ($null -ne $e.TargetObject) { [pscustomobject]@{ Where = "error[$i].TargetObject"; Text = "$($e.TargetObject)" } }
            $i++
        }
        foreach ($w in $Run.Warnings) { [pscustomobject]@{ Where = 'warning'; Text = $w.Message } }
        foreach ($v in $Run.Verbose) { [pscustomobject]@{ Where = 'verbose'; Text = $v.Message } }
        foreach ($info in $Run.Information) { [pscustomobject]@{ Where = 'information'; Text = "$($info.MessageData)" } }
        foreach ($p in @($Run.Progress) + @($Run.HostProgress)) { [pscustomobject]@{ Where = 'progress'; Text = "$($p.Activity) | $($p.StatusDescription) | $($p.CurrentOperation)" } }
        foreach ($line in $Run.HostLines) { [pscustomobject]@{ Where = "host $($line.Kind)"; Text = $line.Text } }
        foreach ($prompt in $Run.Prompts) { [pscustomobject]@{ Where = 'prompt'; Text = "$($prompt.Caption) $($prompt.Message)" } }
    }

    function Find-Secret($Run, [string[]] $Secret, [string[]] $ExceptOutputProperty = @()) {
        # "secret ... appeared in <where>: <text>" for each secret found in what the run exposed; nothing when clean.
        $secrets = @($Secret | Where-Object { $_ })
        if (-not $secrets) { throw 'No secret to look for.' }
        $texts = @(Get-ShownText $Run $ExceptOutputProperty)
        if (-not $texts) { throw 'The run exposed no text at all: nothing was checked.' }
        foreach ($s in $secrets) {
            foreach ($t in $texts) {
                if ($t.Text -and $t.Text.Contains($s, [StringComparison]::Ordinal)) { "secret '$($s.Substring(0, [Math]::Min(8, $s.Length)))...' appeared in $($t.Where): $($t.Text)" }
            }
        }
    }

    function New-SecretConnection([string] $Kind) {
        # How to connect to the suite's Azurite as an Azure account of this kind, and the strings never to show.
        $sas = New-AccountSas
        $sasSecrets = @($sas) + @(Get-SecretForm (Get-SasSignature $sas))
        switch ($Kind) {
            'SharedKey' { @{ Script = 'Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Secret -BlobEndpoint $Endpoint -Verbose'
                    Parameters = @{ Secret = (ConvertTo-SecureString $DevKey -AsPlainText -Force); Endpoint = $BlobEndpoint }; Secrets = @($DevKey) } }
            'SasToken' { @{ Script = 'Connect-BwAccount -StorageAccountName devstoreaccount1 -SasToken $Secret -BlobEndpoint $Endpoint -Verbose'
                    Parameters = @{ Secret = $sas; Endpoint = $BlobEndpoint }; Secrets = $sasSecrets } }
            'KeyConnectionString' { @{ Script = 'Connect-BwAccount -ConnectionString $Secret -Verbose'
                    Parameters = @{ Secret = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$DevKey;BlobEndpoint=$BlobEndpoint;" }; Secrets = @($DevKey) } }
            'SasConnectionString' { @{ Script = 'Connect-BwAccount -ConnectionString $Secret -Verbose'
                    Parameters = @{ Secret = "BlobEndpoint=$BlobEndpoint;SharedAccessSignature=$sas" }; Secrets = $sasSecrets } }
        }
    }

    function Add-DebugPreference([string] $Script) {
        # Every script turns debug output on (after its param block), so the host's debug lines are searched too.
        $ast = [Management.Automation.Language.Parser]::ParseInput($Script, [ref] $null, [ref] $null)
        $at = if ($ast.ParamBlock) { $ast.ParamBlock.Extent.EndOffset } else { 0 }
        $Script.Substring(0, $at) + "`n`$DebugPreference = 'Continue'`n" + $Script.Substring($at)
    }
}

AfterAll {
    if ($Context) {
        Get-BwJob -ErrorAction SilentlyContinue | Remove-BwJob -Force -ErrorAction SilentlyContinue
        Get-BwPool -ErrorAction SilentlyContinue | Remove-BwPool -Force -ErrorAction SilentlyContinue
    }
    Stop-TestLocalStack $TestHome
}

Describe 'The secret check itself' -Tag 'Integration' {
    It 'finds a secret in each stream and view it searches' {
        # The checks below can fail: a script that shows a made-up secret everywhere is caught everywhere.
        $secret = 'c2VjcmV0LXRoYXQtbXVzdC1ub3Qtc2hvdw=='
        $run = Invoke-ScriptedHost -NoConnect -Parameters @{ S = $secret } -Script (Add-DebugPreference @'
param($S)
[pscustomobject]@{ Name = 'x'; Hidden = $S }
Write-Error "error $S" -ErrorAction Continue
Write-Warning "warning $S"
Write-Verbose "verbose $S" -Verbose
Write-Debug "debug $S"
Write-Information "information $S" -InformationAction Continue
Write-Progress -Activity "progress $S" -Status 'working'
Write-Host "host $S"
'@)
        $where = @(Find-Secret $run $secret) -replace '^.*appeared in ([^:]+):.*$', '$1'
        foreach ($place in 'output[0]', 'output[0].Hidden', 'error[0]', 'warning', 'verbose', 'information', 'progress', 'host Debug', 'host Warning', 'host Verbose') {
            $where | Should -Contain $place
        }
        @(Find-Secret $run $secret 'Hidden') | Where-Object { $_ -like '*output[0].Hidden*' } | Should -BeNullOrEmpty
    }
}

Describe 'Storage secrets of an Azure context' -Tag 'Integration', 'Slow' {
    It 'a <_> context shows no secret in its output, ToString, format view or verbose' -ForEach $Kinds {
        $connection = New-SecretConnection $_

        $connected = Invoke-ScriptedHost -NoConnect -Parameters $connection.Parameters -Script (Add-DebugPreference "param(`$Secret, `$Endpoint) $($connection.Script); (Get-BwContext).ToString()")
        $rendered = Invoke-ScriptedHost -NoConnect -ToHost -Parameters $connection.Parameters -Script (Add-DebugPreference "param(`$Secret, `$Endpoint) `$null = $($connection.Script); Get-BwContext; Get-BwContext | Format-Table *; Get-BwContext | Format-List *")

        $connected.Errors | Should -BeNullOrEmpty
        $connected.Terminating | Should -BeNullOrEmpty
        $connected.Output[0].PSObject.TypeNames[0] | Should -Be 'BatchWords.BwContext'
        $connected.Output[0].Backend | Should -Be 'Azure'
        $connected.Verbose | Should -Not -BeNullOrEmpty
        $rendered.Errors | Should -BeNullOrEmpty
        ($rendered.HostLines.Text -join "`n") | Should -BeLike '*StorageAuthentication : *'
        Find-Secret $connected $connection.Secrets | Should -BeNullOrEmpty
        Find-Secret $rendered $connection.Secrets | Should -BeNullOrEmpty
    }

    It 'working through a <_> context shows no secret in any stream or view' -ForEach $Kinds {
        $connection = New-SecretConnection $_
        $container = New-TestId 'secret' 16
        $parameters = $connection.Parameters + @{ Container = $container; Data = $TutorialData; Destination = (Join-Path $TestDrive $_) }
        $work = "param(`$Secret, `$Endpoint, `$Container, `$Data, `$Destination)
            `$null = $($connection.Script)
            New-BwContainer -Name `$Container -Verbose
            Get-ChildItem `$Data -Filter *.txt | Publish-BwInput -Container `$Container -Verbose
            Receive-BwOutput -Container `$Container -Destination `$Destination -Force -Verbose
        "
        try {
            $objects = Invoke-ScriptedHost -NoConnect -Parameters $parameters -Script (Add-DebugPreference $work)
            $views = Invoke-ScriptedHost -NoConnect -ToHost -Parameters $parameters -Script (Add-DebugPreference ($work + 'Remove-BwContainer -Name $Container -Force -PassThru -Verbose'))

            $objects.Errors | Should -BeNullOrEmpty
            $objects.Terminating | Should -BeNullOrEmpty
            $views.Errors | Should -BeNullOrEmpty
            $objects.Output.Count | Should -Be (1 + 3 + 3)
            @($objects.Output | Where-Object { $_.PSObject.Methods['GetReadSasUri'] -and $_.GetReadSasUri() }).Count | Should -Be 3
            @($views.HostLines | Where-Object { $_.Text -like 'BlobName*' }) | Should -Not -BeNullOrEmpty
            @($objects.Progress) + @($objects.HostProgress) | Should -Not -BeNullOrEmpty
            # With a SAS the user's own token is what the read URL carries (no key to sign a narrower one): it is
            # reached by GetReadSasUri() only, so no output property holds it.
            Find-Secret $objects $connection.Secrets | Should -BeNullOrEmpty
            Find-Secret $views $connection.Secrets | Should -BeNullOrEmpty
            Test-ProbeContainer $container | Should -BeFalse
        }
        finally { Remove-ProbeContainer $container }
    }

    It 'a wrong account key is an AuthenticationError that does not show the key' {
        $bytes = [byte[]]::new(64); [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
        $wrongKey = [Convert]::ToBase64String($bytes)
        $file = New-TestInput 'in.txt' 'input'
        $container = New-TestId 'wrongkey' 16
        New-ProbeContainer $container
        try {
            $run = Invoke-ScriptedHost -NoConnect -Parameters @{ Key = (ConvertTo-SecureString $wrongKey -AsPlainText -Force); Endpoint = $BlobEndpoint; Container = $container; File = $file.FullName } -Script (Add-DebugPreference @'
param($Key, $Endpoint, $Container, $File)
$context = Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey $Key -BlobEndpoint $Endpoint -Verbose
New-BwContainer -Name $Container -Context $context -Verbose
Publish-BwInput -Container $Container -Path $File -Context $context -Verbose
'@)
            $run.Terminating | Should -BeNullOrEmpty
            $run.Errors.Count | Should -Be 2
            foreach ($e in $run.Errors) { $e.CategoryInfo.Category | Should -Be 'AuthenticationError' }
            "$($run.Errors[0].TargetObject)" | Should -Be $container
            $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'Storage*,BatchWords.PowerShell.NewBwContainerCommand'
            "$($run.Errors[1].TargetObject)" | Should -Be $file.FullName
            Find-Secret $run $wrongKey | Should -BeNullOrEmpty
            Get-ProbeBlobName $container | Should -BeNullOrEmpty
        }
        finally { Remove-ProbeContainer $container }
    }

    It 'a rejected SAS token is an AuthenticationError that does not show the token' {
        $sas = New-AccountSas
        # Same token, signature of another key: the service refuses it.
        $forged = $sas.Replace([Uri]::EscapeDataString((Get-SasSignature $sas)), [Uri]::EscapeDataString([Convert]::ToBase64String([byte[]]::new(32))))
        $container = New-TestId 'forged' 16
        try {
            $run = Invoke-ScriptedHost -NoConnect -Parameters @{ Sas = $forged; Endpoint = $BlobEndpoint; Container = $container } -Script (Add-DebugPreference @'
param($Sas, $Endpoint, $Container)
$context = Connect-BwAccount -StorageAccountName devstoreaccount1 -SasToken $Sas -BlobEndpoint $Endpoint -Verbose
New-BwContainer -Name $Container -Context $context -Verbose
'@)
            $errors = @($run.Errors) + @($run.Terminating.ErrorRecord | Where-Object { $_ })
            $errors.Count | Should -Be 1
            $errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            Find-Secret $run (@($forged) + @(Get-SecretForm (Get-SasSignature $forged))) | Should -BeNullOrEmpty
            Test-ProbeContainer $container | Should -BeFalse
        }
        finally { Remove-ProbeContainer $container }
    }

    It 'the Local context and the input files show no key and no SAS signature' {
        $container = New-TestId 'localsecret' 16
        New-ProbeContainer $container
        $signatureFile = Join-Path $TestDrive 'view-signatures.txt'
        try {
            $objects = Invoke-ScriptedHost -Parameters @{ Data = $TutorialData; Container = $container } -Script (Add-DebugPreference 'param($Data, $Container) Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container -Verbose')
            # The views publish again (new signatures): the script hands them over in a file, not to the host. The
            # default views are checked; the read SAS is not a property, so no view can show it.
            $views = Invoke-ScriptedHost -ToHost -Parameters @{ Data = $TutorialData; Container = $container; SignatureFile = $signatureFile } -Script (Add-DebugPreference @'
param($Data, $Container, $SignatureFile)
Get-BwContext
$files = Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container -Verbose
$files.GetReadSasUri().AbsoluteUri | Set-Content -LiteralPath $SignatureFile
$files
'@)
            $objects.Errors | Should -BeNullOrEmpty
            $views.Errors | Should -BeNullOrEmpty
            $signatures = @($objects.Output | ForEach-Object { Get-SasSignature $_.GetReadSasUri().AbsoluteUri }) + @(Get-Content -LiteralPath $signatureFile | ForEach-Object { Get-SasSignature $_ })
            $signatures.Count | Should -Be 6
            $secrets = @(Get-SecretForm $signatures) + $DevKey
            Find-Secret $objects $secrets | Should -BeNullOrEmpty
            Find-Secret $views $secrets | Should -BeNullOrEmpty
            $views.HostLines | Where-Object { $_.Text -like '*ReadSasUri*' } | Should -BeNullOrEmpty
            ($views.HostLines.Text -join "`n") | Should -BeLike '*Backend*Local*'
        }
        finally { Remove-ProbeContainer $container }
    }
}

Describe 'Batch secrets' -Tag 'Integration', 'Slow' {
    BeforeEach {
        $script:Pool = New-TestId 'secret'
        $script:Job = New-TestId 'secret'
        $script:Containers = @()
    }

    AfterEach {
        Remove-BwJob $Job -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        Remove-BwPool $Pool -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        foreach ($c in $Containers) { Remove-ProbeContainer $c }
    }

    It 'every Batch cmdlet with -Verbose shows no key and no SAS signature' {
        $app = New-TestId 'app' 16; $in = New-TestId 'in' 16; $out = New-TestId 'out' 16
        $script:Containers = $app, $in, $out
        $worker = New-FakeWorker
        $files = @((New-TestInput 'fine.txt' 'fine'), (New-TestInput 'fails.txt' 'exit 3'))
        $parameters = @{ Files = $files; Pool = $Pool; Job = $Job; App = $app; In = $in; Out = $out; Program = $worker.Path; Destination = (Join-Path $TestDrive 'out') }

        $work = Invoke-ScriptedHost -Parameters $parameters -Script (Add-DebugPreference @'
param($Files, $Pool, $Job, $App, $In, $Out, $Program, $Destination)
$pool = New-BwPool -Id $Pool -NodeCount 1 -Program $Program -ApplicationContainer $App -Verbose
$pool
New-BwPool -Id $Pool -Program $Program -ApplicationContainer $App -Verbose
$null = New-BwContainer $In, $Out
$tasks = $Files | Publish-BwInput -Container $In | Start-BwJob -JobId $Job -Pool $pool -OutputContainer $Out -Verbose
$tasks
$done = $tasks | Wait-BwTask -Verbose
$done
$done | Receive-BwOutput -Destination $Destination -Verbose -ErrorAction SilentlyContinue
Get-BwPool -Id $Pool -Verbose
Get-BwJob -Id $Job -Verbose
Get-BwTask -JobId $Job -Verbose
$done | Get-BwTaskLog -Verbose
$done | Get-BwTaskLog -Stream stderr -Verbose
Remove-BwContainer $App -Confirm:$false -Verbose
'@)
        $secrets = @(Get-BatchSecret $Pool $Job 'topNtask0', 'topNtask1')
        $views = Invoke-ScriptedHost -ToHost -Parameters @{ Pool = $Pool; Job = $Job } -Script (Add-DebugPreference 'param($Pool, $Job) Get-BwPool -Id $Pool; Get-BwJob -Id $Job; Get-BwTask -JobId $Job; Get-BwTask -JobId $Job | Format-List *')
        $removal = Invoke-ScriptedHost -Parameters @{ Pool = $Pool; Job = $Job } -Script (Add-DebugPreference 'param($Pool, $Job) Remove-BwJob $Job -Force -Verbose; Remove-BwPool $Pool -Force -Verbose')

        # What ran: the failed task's error (with its stderr) and the guarded container are part of what is checked.
        $work.Terminating | Should -BeNullOrEmpty
        $work.Errors.FullyQualifiedErrorId | Where-Object { $_ -like 'TaskFailed,*' } | Should -Not -BeNullOrEmpty
        $work.Errors.FullyQualifiedErrorId | Where-Object { $_ -like 'ContainerUsedByPool,*' } | Should -Not -BeNullOrEmpty
        $work.Verbose.Count | Should -BeGreaterThan 10
        $views.Errors | Should -BeNullOrEmpty
        $removal.Errors | Should -BeNullOrEmpty
        $removal.Terminating | Should -BeNullOrEmpty
        $removal.Verbose.Count | Should -BeGreaterOrEqual 2
        # 5 signatures (and their escaped forms), the emulator's and Azurite's keys.
        $secrets.Count | Should -BeGreaterOrEqual 7
        foreach ($run in $work, $views, $removal) {
            Find-Secret $run $secrets | Should -BeNullOrEmpty
            Find-Secret $run 'sig=' | Should -BeNullOrEmpty
        }
    }

    It 'Invoke-BwTutorial with -Verbose shows no key and no SAS signature' {
        $script:Containers = 'application', 'input', 'output'
        $run = Invoke-ScriptedHost -Parameters @{ Data = (Join-Path $TutorialData '*.txt'); Pool = $Pool; Job = $Job; Destination = (Join-Path $TestDrive 'tutorial') } -Script (Add-DebugPreference 'param($Data, $Pool, $Job, $Destination) Invoke-BwTutorial -Path $Data -PoolId $Pool -JobId $Job -Destination $Destination -KeepPool -KeepJob -Verbose')

        $run.Errors | Should -BeNullOrEmpty
        $run.Terminating | Should -BeNullOrEmpty
        $secrets = @(Get-BatchSecret $Pool $Job 'topNtask0', 'topNtask1', 'topNtask2')
        $run.Output.Count | Should -Be 3
        $run.Verbose.Count | Should -BeGreaterThan 10
        @($run.HostLines) + @($run.Information) | Should -Not -BeNullOrEmpty
        Find-Secret $run $secrets | Should -BeNullOrEmpty
        Find-Secret $run 'sig=' | Should -BeNullOrEmpty
    }
}
