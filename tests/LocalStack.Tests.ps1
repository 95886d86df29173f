#Requires -Version 7.4
<#
    Pester 5 suite: the Local backend's own stack (Azurite + the Batch emulator) as a user meets it.
    - It is private to the user who started it: Azurite has a random key of its own (0600 file), the well-known
      development key opens nothing, the key shows nowhere, and an Azurite an older BatchWords started with the
      public key is restarted with the private one, its data kept.
    - Its state heals: a damaged state or key file never leaves a second Azurite or emulator on the same data
      folder, Disconnect-BwAccount -StopLocalServices stops what runs even without state files, and a damaged key
      is replaced.
    - A full disk under BATCHWORDS_HOME is named as such, with the path (a small tmpfs; needs mount rights).

        ./build.ps1 -Task Test -TestPath tests/LocalStack.Tests.ps1
#>

BeforeDiscovery {
    # A full disk is reproduced on a 3 MiB tmpfs, which needs the right to mount (root, outside a locked-down container).
    $probe = Join-Path ([IO.Path]::GetTempPath()) ("bw-mount-probe-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $probe
    & mount -t tmpfs -o size=1m tmpfs $probe 2>$null
    $script:CanMount = $LASTEXITCODE -eq 0
    if ($CanMount) { & umount $probe }
    Remove-Item $probe -Force
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # Azurite's published development key: anyone can sign with it.
    $script:WellKnownKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

    function Invoke-SharedKeyRequest([Uri] $BlobEndpoint, [string] $Key, [string] $Method = 'GET', [string] $Query = 'comp=list', [string] $Container) {
        # One Blob request signed by hand with -Key (TestSupport's probe, not the module's signing); its HTTP status.
        (Invoke-TestStorageRequest $Method "$Container`?$Query" -Key $Key -BlobEndpoint $BlobEndpoint -Accept (400..599)).Status
    }

    function Get-LocalServiceProcess([string] $BwHome) {
        # Every process of a local service on this home's data folders (from /proc, whatever the state files say).
        $folders = @{ (Join-Path $BwHome 'local/azurite-data') = 'azurite'; (Join-Path $BwHome 'local/batch-emulator-data') = 'batch-emulator' }
        foreach ($entry in Get-ChildItem /proc -Directory -ErrorAction Ignore | Where-Object Name -Match '^\d+$') {
            try { $arguments = [IO.File]::ReadAllText("$($entry.FullName)/cmdline") -split "`0" } catch { continue }
            if (-not ($arguments -match 'azurite/dist/src/blob/main\.js|BatchWords\.Emulator(\.dll)?$')) { continue }
            foreach ($argument in $arguments) {
                if ($folders.ContainsKey($argument) -and (Test-ProcessAlive ([int] $entry.Name))) {
                    [pscustomobject]@{ Service = $folders[$argument]; ProcessId = [int] $entry.Name }
                }
            }
        }
    }

    function Stop-ProcessIfAlive([int] $ProcessId) { if (Test-ProcessAlive $ProcessId) { & kill -TERM $ProcessId } }

    function Read-StatePid([string] $BwHome, [string] $Service) {
        (Get-Content -Raw (Join-Path $BwHome "local/$Service.json") | ConvertFrom-Json).ProcessId
    }

    function Start-OldAzurite([string] $BwHome) {
        # Azurite as a BatchWords from before this change started it: the built-in account with the public key,
        # no data-folder lock, and a state file without a key fingerprint. Returns its pid and endpoint.
        $local = Join-Path $BwHome 'local'
        $data = Join-Path $local 'azurite-data'
        $null = New-Item -ItemType Directory -Force -Path $data
        $main = Join-Path (Split-Path $PSScriptRoot) 'node_modules/azurite/dist/src/blob/main.js'
        $log = Join-Path $local 'azurite.log'
        $script = 'setsid "$@" >"' + $log + '" 2>&1 </dev/null & echo $!'
        $processId = [int] (& /bin/sh -c $script sh (Get-Command node).Source $main --blobHost 127.0.0.1 --blobPort 0 --location $data --silent --skipApiVersionCheck --loose --disableTelemetry)
        Wait-Until { (Get-Content -Raw $log -ErrorAction Ignore) -match 'successfully listens on (http\S+)' } 'the old Azurite to listen'
        $endpoint = [Uri] ([regex]::Match((Get-Content -Raw $log), 'successfully listens on (http\S+)').Groups[1].Value)
        @{ Name = 'azurite'; ProcessId = $processId; Endpoint = "$endpoint"; StartedOn = [DateTimeOffset]::UtcNow.ToString('o'); LogPath = $log } |
            ConvertTo-Json | Set-Content -LiteralPath (Join-Path $local 'azurite.json')
        [pscustomobject]@{ ProcessId = $processId; BlobEndpoint = [Uri] "$($endpoint.ToString().TrimEnd('/'))/devstoreaccount1" }
    }
}

Describe 'The local stack is private to the user who started it' -Tag 'Integration' {
    BeforeAll {
        $script:TestHome = Use-TestHome 'private'
        Import-Module (Get-TestModuleManifest) -Force  # each Describe's Stop-TestLocalStack unloads it
        $script:Connect = Connect-BwAccount -Verbose 4>&1
        $script:Context = $Connect | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }
        $script:KeyPath = Join-Path $TestHome.Path 'local/azurite.key'
        $script:PrivateKey = (Get-Content -Raw $KeyPath).Trim()
    }

    AfterAll {
        Disconnect-BwAccount
        Stop-TestLocalStack $TestHome
    }

    It 'refuses a request signed with the well-known development key, and answers one signed with the private key' {
        Invoke-SharedKeyRequest $Context.BlobEndpoint $WellKnownKey | Should -Be 403
        Invoke-SharedKeyRequest $Context.BlobEndpoint $WellKnownKey -Method PUT -Query 'restype=container' -Container (New-TestId 'intruder') | Should -Be 403
        # The same hand-made request with the right key succeeds: the 403 is the key's, not the signing's.
        Invoke-SharedKeyRequest $Context.BlobEndpoint $PrivateKey | Should -Be 200
        Invoke-SharedKeyRequest $Context.BlobEndpoint $PrivateKey -Method PUT -Query 'restype=container' -Container (New-TestId 'owner') | Should -Be 201
    }

    It 'keeps the storage key in a 0600 file, random per BATCHWORDS_HOME, and the module works with it' {
        (Get-Item $KeyPath).UnixFileMode | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite')
        [Convert]::FromBase64String($PrivateKey).Length | Should -Be 32
        $PrivateKey | Should -Not -Be $WellKnownKey
        $container = New-TestId 'private'
        (New-BwContainer -Name $container).Status | Should -Be 'Created'
        $uploaded = New-TestInput 'a.txt' 'alpha beta' | Publish-BwInput -Container $container
        $uploaded.BlobName | Should -Be 'a.txt'
    }

    It 'never shows the storage key: not in output, verbose, errors, logs, state files or command lines' {
        $failed = $null
        try { New-TestInput 'b.txt' 'x' | Publish-BwInput -Container (New-TestId 'missing') -ErrorAction Stop } catch { $failed = $_ }
        $failed | Should -Not -BeNullOrEmpty
        $azuritePid = Read-StatePid $TestHome.Path 'azurite'
        $shown = @(
            $Connect | ForEach-Object { "$_" }
            ($Context | Format-List * | Out-String)
            ($Context | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
            ($failed | Format-List * -Force | Out-String)
            "$($failed.Exception)"
            (Connect-BwAccount -Verbose 4>&1 | ForEach-Object { "$_" })
            Get-Content -Raw (Join-Path $TestHome.Path 'local/azurite.json'), (Join-Path $TestHome.Path 'local/azurite.log')
            [IO.File]::ReadAllText("/proc/$azuritePid/cmdline")
        ) -join "`n"
        $shown | Should -Match 'Starting azurite'   # the verbose text of the start is there...
        $shown | Should -Not -BeLike "*$PrivateKey*" # ...and the key is not
    }
}

Describe 'An Azurite started by an older BatchWords, with the public key' -Tag 'Integration' {
    BeforeAll {
        $script:TestHome = Use-TestHome 'old-azurite'
        Import-Module (Get-TestModuleManifest) -Force  # each Describe's Stop-TestLocalStack unloads it
        $script:Old = Start-OldAzurite $TestHome.Path
        $script:Container = New-TestId 'before'
        # The public key worked on that Azurite (that was the problem), and it holds data.
        Invoke-SharedKeyRequest $Old.BlobEndpoint $WellKnownKey -Method PUT -Query 'restype=container' -Container $Container | Should -Be 201
    }

    AfterAll {
        try { if ($Old) { Stop-ProcessIfAlive $Old.ProcessId } }
        finally { Stop-TestLocalStack $TestHome }
    }

    It 'is restarted with the private key, keeping its data' {
        $context = Connect-BwAccount
        Test-ProcessAlive $Old.ProcessId | Should -BeFalse
        @(Get-LocalServiceProcess $TestHome.Path | Where-Object Service -EQ 'azurite').Count | Should -Be 1
        Invoke-SharedKeyRequest $context.BlobEndpoint $WellKnownKey | Should -Be 403
        (New-BwContainer -Name $Container).Status | Should -Be 'Existing'
    }
}

Describe 'Local state heals: a damaged file never leaves a second instance' -Tag 'Integration', 'Slow' {
    BeforeEach {
        $script:TestHome = Use-TestHome 'heal'
        Import-Module (Get-TestModuleManifest) -Force  # each Describe's Stop-TestLocalStack unloads it
        $null = Connect-BwAccount
        $script:Before = @(Get-LocalServiceProcess $TestHome.Path)
        $Before.Count | Should -Be 2
    }

    AfterEach {
        Disconnect-BwAccount
        Stop-TestLocalStack $TestHome
    }

    It 'a damaged <File> (<Damage>): the module connects and works, one Azurite and one emulator run, -StopLocalServices stops both' -ForEach @(
        @{ File = 'azurite.json'; Damage = 'garbled'; Content = '{"Name": "azurite", "ProcessId": 12' }
        @{ File = 'batch-emulator.json'; Damage = 'garbled'; Content = 'binary' }
        @{ File = 'batch-emulator.key'; Damage = 'not base64'; Content = 'this is not base64 !!' }
        @{ File = 'azurite.key'; Damage = 'not base64'; Content = '%%%%' }
        @{ File = 'batch-emulator.key'; Damage = 'a valid but different key'; Content = $null }
        @{ File = 'azurite.key'; Damage = 'a valid but different key'; Content = $null }
    ) {
        $path = Join-Path $TestHome.Path "local/$File"
        if ($Content -eq 'binary') { [IO.File]::WriteAllBytes($path, [byte[]] (0, 0, 0xff, 0xfe, 0x7b, 0x0a)) }
        else {
            if ($null -eq $Content) { $Content = [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32)) }
            Set-Content -LiteralPath $path -Value $Content -NoNewline
        }

        $context = Connect-BwAccount
        (New-BwContainer -Name (New-TestId 'healed')).Status | Should -Be 'Created'
        $null = Get-BwPool
        $after = @(Get-LocalServiceProcess $TestHome.Path)
        @($after | Where-Object Service -EQ 'azurite').Count | Should -Be 1
        @($after | Where-Object Service -EQ 'batch-emulator').Count | Should -Be 1
        # A damaged key file was replaced (a valid one is used as it is); either way it is a 0600, 32-byte key.
        foreach ($keyFile in 'azurite.key', 'batch-emulator.key') {
            $keyPath = Join-Path $TestHome.Path "local/$keyFile"
            [Convert]::FromBase64String((Get-Content -Raw $keyPath).Trim()).Length | Should -Be 32
            (Get-Item $keyPath).UnixFileMode | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite')
        }
        if ($Damage -eq 'a valid but different key') { (Get-Content -Raw $path).Trim() | Should -Be $Content }

        $stopped = @(Disconnect-BwAccount -StopLocalServices -Confirm:$false)
        $stopped.Status | Should -Not -Contain 'StillRunning'
        @(Get-LocalServiceProcess $TestHome.Path).Count | Should -Be 0
    }

    It '-StopLocalServices stops both services when both state files are gone' {
        Remove-Item (Join-Path $TestHome.Path 'local/azurite.json'), (Join-Path $TestHome.Path 'local/batch-emulator.json')
        $stopped = @(Disconnect-BwAccount -StopLocalServices -Confirm:$false)
        @($stopped | Where-Object Status -EQ 'Stopped').ProcessId | Sort-Object | Should -Be ($Before.ProcessId | Sort-Object)
        @(Get-LocalServiceProcess $TestHome.Path).Count | Should -Be 0
    }

    It 'a second emulator started by hand on the same data folder refuses to start, and the first keeps running' {
        $emulatorPid = Read-StatePid $TestHome.Path 'batch-emulator'
        # The module's emulator is a self-contained executable, started directly as the module starts it.
        $emulator = Join-Path (Split-Path (Get-TestModuleManifest)) 'emulator/BatchWords.Emulator'
        $env:BATCHWORDS_EMULATOR_KEY = [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
        try { $output = & $emulator --account localbatch --data (Join-Path $TestHome.Path 'local/batch-emulator-data') 2>&1 }
        finally { Remove-Item Env:BATCHWORDS_EMULATOR_KEY }
        $LASTEXITCODE | Should -Be 1
        "$output" | Should -Match 'in use by another emulator'
        Test-ProcessAlive $emulatorPid | Should -BeTrue
        $null = Get-BwPool
    }
}

Describe 'A full disk under BATCHWORDS_HOME' -Tag 'Integration' -Skip:(-not $CanMount) {
    BeforeAll {
        $script:TestHome = Use-TestHome 'full-disk'
        Import-Module (Get-TestModuleManifest) -Force  # each Describe's Stop-TestLocalStack unloads it
        & mount -t tmpfs -o size=3m tmpfs $TestHome.Path
        if ($LASTEXITCODE -ne 0) { throw "mount of a tmpfs on $($TestHome.Path) failed" }
        $null = Connect-BwAccount
        $script:Container = New-TestId 'full'
        $null = New-BwContainer -Name $Container
    }

    AfterAll {
        # Whatever failed before: stop the services, then unmount, then remove the folder (in that order, or the
        # tmpfs stays mounted and busy).
        $stopped = @()
        try { $stopped = @(Disconnect-BwAccount -StopLocalServices -Confirm:$false) }
        finally {
            & umount $TestHome.Path
            Restore-TestHome $TestHome
        }
        $stopped.Status | Should -Not -Contain 'StillRunning'
    }

    It 'is named as such, with the path, instead of "the service is busy"' {
        $big = Join-Path $TestDrive 'big.bin'
        [IO.File]::WriteAllBytes($big, [byte[]]::new(4MB))
        $failure = $null
        try { Get-Item $big | Publish-BwInput -Container $Container -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'LocalDiskFull,BatchWords.PowerShell.PublishBwInputCommand'
        $failure.CategoryInfo.Category | Should -Be 'WriteError'
        "$failure" | Should -Match 'no space left on device'
        "$failure" | Should -BeLike "*$(Join-Path $TestHome.Path 'local/azurite-data')*"
        "$failure" | Should -Not -Match 'busy'
        $failure.TargetObject | Should -Be (Join-Path $TestHome.Path 'local/azurite-data')
    }
}
