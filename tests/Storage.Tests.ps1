#Requires -Version 7.4
<#
    Pester 5 suite: the storage cmdlets (New-BwContainer, Remove-BwContainer, Publish-BwInput, Receive-BwOutput)
    against the local stack (Azurite, and the Batch emulator for Remove-BwContainer's guard of a live pool's
    start task), with the real Get-ChildItem, Get-Content and Test-Path.

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/Storage.Tests.ps1

    What the suite asserts about storage is read back independently of the module: a small Shared Key REST
    client (Invoke-TestStorageRequest and the *-ProbeBlob/*-ProbeContainer helpers below) checks and seeds Azurite, a
    Batch REST client (Invoke-TestBatchRequest, tests/TestSupport.ps1) reads and resizes the emulator's pools, and a TCP relay that counts
    its open connections (CountingRelay) shows how many transfers -ThrottleLimit lets run at once. Prompts,
    "What if:" text and progress are seen through tests/ScriptedHost.cs (Invoke-ScriptedHost).

    The paging of a listing of more than 5,000 blobs is Core's (tests/BatchWords.Core.Tests, DownloadTests).
    The suite uses its own BATCHWORDS_HOME (Use-TestHome) and stops the services it starts at the end.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome 'storage'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount
    $script:BlobBase = $Context.BlobEndpoint.ToString().TrimEnd('/')

    # The local stack's storage account (the probes in TestSupport.ps1 sign with it).
    $script:StorageAccount = Get-TestStorageAccount

    # What each test made, removed after it (Remove-TestResources in each Describe's AfterEach).
    $script:TestResources = @{ Jobs = [Collections.Generic.List[string]]::new(); Pools = [Collections.Generic.List[string]]::new(); Containers = [Collections.Generic.List[string]]::new() }

    function New-TestContainerName([string] $Stem) {
        # A unique container name, removed after the test.
        $name = New-TestId $Stem 16
        $script:TestResources.Containers.Add($name)
        $name
    }

    function Remove-TestResources {
        # Each Describe's AfterEach: what the test made, removed through the probes (jobs, then pools, then containers).
        foreach ($job in $script:TestResources.Jobs) { $null = Invoke-TestBatchRequest DELETE "jobs/$job" -Accept 404, 409 }
        foreach ($pool in $script:TestResources.Pools) { $null = Invoke-TestBatchRequest DELETE "pools/$pool" -Accept 404, 409 }
        foreach ($container in $script:TestResources.Containers) { Remove-ProbeContainer $container }
        $script:TestResources.Jobs.Clear(); $script:TestResources.Pools.Clear(); $script:TestResources.Containers.Clear()
    }

    function New-TestBatchId([string] $Kind, [string] $Stem) {
        $id = New-TestId $Stem
        $script:TestResources[$Kind].Add($id)
        $id
    }

    function New-ProbeContainerWith([string] $Stem, [hashtable] $Blobs = @{}) {
        # A container seeded over plain HTTP (not by the module).
        $name = New-TestContainerName $Stem
        New-ProbeContainer $name
        foreach ($blob in $Blobs.Keys) { Set-ProbeBlob $name $blob $Blobs[$blob] }
        $name
    }
    function Get-WhatIf($Result) { @($Result.HostLines | Where-Object { $_.Text -like 'What if:*' } | ForEach-Object Text) }

    function Assert-BwError($Record, [string] $Id, [string] $Cmdlet, [string] $Category, $Target) {
        # The error's FullyQualifiedErrorId, category and target, as a script sees them.
        $Record | Should -Not -BeNullOrEmpty
        $Record.FullyQualifiedErrorId | Should -Be "$Id,BatchWords.PowerShell.$Cmdlet"
        "$($Record.CategoryInfo.Category)" | Should -Be $Category
        "$($Record.TargetObject)" | Should -Be "$Target"
    }

    function Get-ResultText($Result, [string[]] $ExceptOutputProperties = @()) {
        # Every piece of text a scripted-host run exposed: output objects and their properties (but the ones named),
        # errors, warnings, verbose, information, progress, host lines and prompts.
        foreach ($o in $Result.Output) {
            "$o"
            foreach ($p in $o.PSObject.Properties) {
                if ($p.Name -in $ExceptOutputProperties) { continue }
                try { "$($p.Value)" } catch { }
            }
        }
        foreach ($e in $Result.Errors) { "$e"; "$($e.Exception)"; "$($e.ErrorDetails.RecommendedAction)"; "$($e.TargetObject)" }
        if ($Result.Terminating) { "$($Result.Terminating)" }
        $Result.Warnings.Message; $Result.Verbose.Message; "$($Result.Information.MessageData)"
        foreach ($p in @($Result.Progress) + @($Result.HostProgress)) { "$($p.Activity) | $($p.StatusDescription) | $($p.CurrentOperation)" }
        $Result.HostLines.Text
        foreach ($p in $Result.Prompts) { "$($p.Caption) $($p.Message)" }
    }

    function Assert-NoSecret($Result, [string[]] $Secret, [string[]] $ExceptOutputProperties = @()) {
        $texts = @(Get-ResultText $Result $ExceptOutputProperties | Where-Object { $_ })
        $texts | Should -Not -BeNullOrEmpty
        foreach ($s in $Secret) {
            $s | Should -Not -BeNullOrEmpty
            @($texts | Where-Object { $_.Contains($s) }) | Should -BeNullOrEmpty -Because 'no secret may appear in what a user or a log sees'
        }
    }

    function Write-TestFile([string] $RelativePath, [string] $Content, [string] $Root = (Join-Path $TestDrive 'files')) {
        # A file with exactly this content under $Root (directories created); returns its full path.
        $path = Join-Path $Root $RelativePath
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $path)
        [IO.File]::WriteAllText($path, $Content)
        $path
    }

    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }

    if (-not ('BatchWords.Tests.CountingRelay' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace BatchWords.Tests
{
    /// A loopback TCP relay in front of a local service that counts how many connections are open at once. An
    /// HTTP/1.1 client opens a new connection only when all its open ones are busy, so the peak is the number of
    /// requests in flight together: what -ThrottleLimit bounds. Each new connection is held 50 ms before it is
    /// relayed, so requests started together really overlap.
    public sealed class CountingRelay : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly IPEndPoint _target;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Task _acceptLoop;
        private int _open, _peak, _total;

        public CountingRelay(Uri target)
        {
            _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
            _listener.Start();
            _acceptLoop = Task.Run(AcceptAsync);
        }

        /// The service's URI with the relay's port instead.
        public Uri Rewrite(Uri serviceUri) { return new UriBuilder(serviceUri) { Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri; }
        public int PeakConnections { get { return Volatile.Read(ref _peak); } }
        public int TotalConnections { get { return Volatile.Read(ref _total); } }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { if (_stop.IsCancellationRequested) return; continue; }
                _ = Task.Run(() => RelayAsync(client));
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            var open = Interlocked.Increment(ref _open);
            Interlocked.Increment(ref _total);
            for (var peak = Volatile.Read(ref _peak); open > peak; peak = Volatile.Read(ref _peak))
                if (Interlocked.CompareExchange(ref _peak, open, peak) == peak) break;
            var counted = 1;
            try
            {
                using (client)
                using (var server = new TcpClient())
                {
                    await Task.Delay(50, _stop.Token);
                    await server.ConnectAsync(_target.Address, _target.Port, _stop.Token);
                    var a = client.GetStream();
                    var b = server.GetStream();
                    // Either side closing ends the connection; it stops counting before the client sees it closed.
                    await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                    if (Interlocked.Exchange(ref counted, 0) == 1) Interlocked.Decrement(ref _open);
                }
            }
            catch (Exception) { }
            finally { if (Interlocked.Exchange(ref counted, 0) == 1) Interlocked.Decrement(ref _open); }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        }
    }
}
'@
    }

    function Invoke-ThroughRelay([string] $Transfer, [hashtable] $Parameters) {
        # Runs $Transfer in a fresh runspace connected to Azurite through a new CountingRelay (with -Context
        # $Context); returns the relay's peak of open connections and the run's result.
        $relay = [BatchWords.Tests.CountingRelay]::new($Context.BlobEndpoint)
        try {
            $Parameters.Key = ConvertTo-SecureString $StorageAccount.Key -AsPlainText -Force
            $Parameters.Endpoint = $relay.Rewrite($Context.BlobEndpoint)
            $script = "param(`$Key, `$Endpoint, $(($Parameters.Keys | Where-Object { $_ -notin 'Key', 'Endpoint' } | ForEach-Object { "`$$_" }) -join ', '))
                `$Context = Connect-BwAccount -StorageAccountName devstoreaccount1 -StorageAccountKey `$Key -BlobEndpoint `$Endpoint
                $Transfer"
            $result = Invoke-ScriptedHost -NoConnect -Script $script -Parameters $Parameters
            [pscustomobject]@{ Peak = $relay.PeakConnections; Result = $result }
        }
        finally { $relay.Dispose() }
    }
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'Connect-BwAccount on the local stack' -Tag 'Integration' {
    It 'started Azurite under the suite''s BATCHWORDS_HOME' {
        $Context.Backend | Should -Be 'Local'
        $Context.StorageAccountName | Should -Be 'devstoreaccount1'
        $Context.BlobEndpoint.Host | Should -Be '127.0.0.1'
        Join-Path $env:BATCHWORDS_HOME 'local/azurite.json' | Should -Exist
    }

    It 'reuses the running Azurite on the next connect' {
        $verbose = Connect-BwAccount -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Reusing azurite \(pid \d+\)'
        (Get-BwContext).BlobEndpoint | Should -Be $Context.BlobEndpoint
    }
}

Describe 'New-BwContainer' -Tag 'Integration' {
    AfterEach { Remove-TestResources }

    It 'creates absent containers and reports existing ones as Existing, not as errors' {
        $a = New-TestContainerName 'new-a'; $b = New-TestContainerName 'new-b'

        $first = New-BwContainer -Name $a, $b
        $second = New-BwContainer $a -ErrorVariable problems

        @($first | ForEach-Object { "$($_.Name) $($_.Status)" }) | Should -Be @("$a Created", "$b Created")
        $first | ForEach-Object { $_.GetType().FullName | Should -Be 'BatchWords.BwContainer' }
        $first[0].Uri | Should -Be ([Uri] "$BlobBase/$a")
        @($second).Count | Should -Be 1
        "$($second.Name) $($second.Status)" | Should -Be "$a Existing"
        $problems | Should -BeNullOrEmpty
        Test-ProbeContainer $a | Should -BeTrue
        Test-ProbeContainer $b | Should -BeTrue
    }

    It 'binds names from the pipeline by value and by property name (Name, or its alias Container)' {
        $byValue = New-TestContainerName 'val'; $byName = New-TestContainerName 'prop'; $byAlias = New-TestContainerName 'alias'

        $made = & {
            $byValue | New-BwContainer
            [pscustomobject]@{ Name = $byName } | New-BwContainer
            [pscustomobject]@{ Container = $byAlias } | New-BwContainer
        }

        $made.Name | Should -Be @($byValue, $byName, $byAlias)
        foreach ($name in $byValue, $byName, $byAlias) { Test-ProbeContainer $name | Should -BeTrue }
    }

    It 'refuses <Bad> as InvalidArgument naming the value and the rule (<Rule>), before any request, and still creates the other names' -ForEach @(
        @{ Bad = 'bad_name'; Rule = "'_' is not allowed" }
        @{ Bad = 'UPPER'; Rule = "'U' is not allowed" }
        @{ Bad = 'ab'; Rule = 'it has 2 characters' }
        @{ Bad = '-leading'; Rule = 'must start and end with a letter or digit' }
        @{ Bad = 'two--hyphens'; Rule = 'consecutive hyphens' }
    ) {
        $good = New-TestContainerName 'good'

        $all = New-BwContainer -Name $Bad, $good -Verbose -ErrorVariable problems -ErrorAction SilentlyContinue 4>&1
        $verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message
        $output = @($all | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] })

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'InvalidContainerName' 'NewBwContainerCommand' 'InvalidArgument' $Bad
        $problems[0].Exception.Message | Should -BeLike "*'$Bad' is not a valid container name*"
        $problems[0].Exception.Message.Contains($Rule) | Should -BeTrue -Because "the message names the rule ($Rule): $($problems[0].Exception.Message)"
        $problems[0].ErrorDetails.RecommendedAction | Should -BeLike '*lowercase letters*'
        $output.Name | Should -Be $good
        # No request names it: no target "bad", no URL path /bad? (the good name's random hex may contain the bad one).
        @($verbose | Where-Object { $_.Contains("`"$Bad`"") -or $_.Contains("/$($Bad)?") }) | Should -BeNullOrEmpty
        $verbose | Should -Not -BeNullOrEmpty
    }

    It 'checks names before any request, even when the account is unreachable' {
        $result = Invoke-ScriptedHost -NoConnect -Script '
            param($Key)
            $unreachable = Connect-BwAccount -StorageAccountName unreachable -StorageAccountKey $Key -BlobEndpoint "http://127.0.0.1:9/unreachable"
            New-BwContainer -Name "Not_Valid" -Context $unreachable' -Parameters @{ Key = ConvertTo-SecureString ([Convert]::ToBase64String([byte[]]::new(32))) -AsPlainText -Force }

        $result.Terminating | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        Assert-BwError $result.Errors[0] 'InvalidContainerName' 'NewBwContainerCommand' 'InvalidArgument' 'Not_Valid'
    }

    It 'says with -WhatIf what would be created and creates nothing' {
        $name = New-TestContainerName 'whatif'

        $result = Invoke-ScriptedHost -Script 'param($Name) New-BwContainer $Name -WhatIf' -Parameters @{ Name = $name }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -BeNullOrEmpty
        Get-WhatIf $result | Should -Be "What if: Performing the operation `"Create container`" on target `"$name`"."
        Test-ProbeContainer $name | Should -BeFalse
    }

    It 'names the request with -Verbose' {
        $name = New-TestContainerName 'verbose'

        $verbose = New-BwContainer $name -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose.Message | Should -Contain "Create container if not exists: PUT $BlobBase/$name`?restype=container"
    }

    It 'goes where -Context (or a piped object''s Context property) says, without changing the session''s context' {
        # A runspace with no current context.
        $explicit = New-TestContainerName 'ctx'; $piped = New-TestContainerName 'ctxpipe'

        $result = Invoke-ScriptedHost -NoConnect -Script '
            param($Context, $Explicit, $Piped)
            New-BwContainer -Name $Explicit -Context $Context
            [pscustomobject]@{ Name = $Piped; Context = $Context } | New-BwContainer
            Get-BwContext' -Parameters @{ Context = $Context; Explicit = $explicit; Piped = $piped }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Name | Should -Be @($explicit, $piped)
        Test-ProbeContainer $explicit | Should -BeTrue
        Test-ProbeContainer $piped | Should -BeTrue
    }
}

Describe 'Remove-BwContainer' -Tag 'Integration' {
    AfterEach { Remove-TestResources }

    BeforeAll {
        function New-FullContainer([string] $Stem) { New-ProbeContainerWith $Stem @{ 'blob.txt' = 'content' } }
    }

    It 'asks through the host and removes when the answer is Yes' {
        $name = New-FullContainer 'yes'

        $result = Invoke-ScriptedHost -Script 'param($Name) Remove-BwContainer $Name' -Parameters @{ Name = $name } -Answer 'Yes'

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts.Count | Should -Be 1
        $result.Prompts[0].Caption | Should -Be 'Confirm'
        $result.Prompts[0].Message | Should -BeLike "*Performing the operation `"Remove container`" on target `"$name`".*"
        $result.Prompts[0].Choices | Should -Be @('Yes', 'Yes to All', 'No', 'No to All', 'Suspend')
        $result.Output | Should -BeNullOrEmpty
        Test-ProbeContainer $name | Should -BeFalse
    }

    It 'keeps the container and its blobs when the answer is No' {
        $name = New-FullContainer 'no'

        $result = Invoke-ScriptedHost -Script 'param($Name) Remove-BwContainer $Name -Verbose' -Parameters @{ Name = $name } -Answer 'No'

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts.Answer | Should -Be 'No'
        @($result.Verbose.Message | Where-Object { $_ -like 'Delete container*' }) | Should -BeNullOrEmpty
        Test-ProbeContainer $name | Should -BeTrue
        [Text.Encoding]::UTF8.GetString((Get-ProbeBlob $name 'blob.txt')) | Should -Be 'content'
    }

    It 'asks once for the whole pipeline when the answer is Yes to All' {
        $names = @((New-FullContainer 'all-a'), (New-FullContainer 'all-b'), (New-FullContainer 'all-c'))

        $result = Invoke-ScriptedHost -Script 'param($Names) $Names | Remove-BwContainer -PassThru' -Parameters @{ Names = $names } -Answer 'Yes to All'

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts.Count | Should -Be 1
        $result.Output.Name | Should -Be $names
        $result.Output | ForEach-Object { "$($_.GetType().FullName) $($_.Status)" | Should -Be 'BatchWords.BwContainer Removed' }
        foreach ($name in $names) { Test-ProbeContainer $name | Should -BeFalse }
    }

    It 'removes without asking with <Switches>' -ForEach @(@{ Switches = '-Force' }, @{ Switches = '-Confirm:$false' }) {
        # No answers queued: a prompt fails the run.
        $name = New-FullContainer 'force'

        $result = Invoke-ScriptedHost -Script "param(`$Name) Remove-BwContainer `$Name $Switches -Verbose" -Parameters @{ Name = $name }

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts | Should -BeNullOrEmpty
        $result.Verbose.Message | Should -Contain "Delete container: DELETE $BlobBase/$name`?restype=container"
        Test-ProbeContainer $name | Should -BeFalse
    }

    It 'asks with an explicit -Confirm even with -Force' {
        $name = New-FullContainer 'forceconfirm'

        $result = Invoke-ScriptedHost -Script 'param($Name) Remove-BwContainer $Name -Force -Confirm' -Parameters @{ Name = $name } -Answer 'No'

        $result.Prompts.Answer | Should -Be 'No'
        Test-ProbeContainer $name | Should -BeTrue
    }

    It 'still asks once (ShouldContinue) with $ConfirmPreference = ''None'', unless -Force' {
        $asked = New-FullContainer 'cont'; $forced = New-FullContainer 'contforce'

        $result = Invoke-ScriptedHost -Script '
            param($Asked, $Forced)
            $ConfirmPreference = "None"
            Remove-BwContainer $Asked
            Remove-BwContainer $Forced -Force' -Parameters @{ Asked = $asked; Forced = $forced } -Answer 'Yes'

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts.Count | Should -Be 1
        $result.Prompts[0].Caption | Should -Be 'Remove container'
        $result.Prompts[0].Message | Should -Be "Remove container '$asked' and every blob in it?"
        Test-ProbeContainer $asked | Should -BeFalse
        Test-ProbeContainer $forced | Should -BeFalse
    }

    It 'says with -WhatIf what would be removed, removes nothing and does not ask' {
        $name = New-FullContainer 'whatif'

        $result = Invoke-ScriptedHost -Script 'param($Name) Remove-BwContainer $Name -WhatIf; Remove-BwContainer $Name -WhatIf -Force' -Parameters @{ Name = $name }

        $result.Errors | Should -BeNullOrEmpty
        $result.Prompts | Should -BeNullOrEmpty
        Get-WhatIf $result | Should -Be @(
            "What if: Performing the operation `"Remove container`" on target `"$name`".",
            "What if: Performing the operation `"Remove container`" on target `"$name`".")
        Test-ProbeContainer $name | Should -BeTrue
    }

    It 'must be given -Confirm:$false or -Force in a runspace with no host (unattended automation)' {
        $kept = New-FullContainer 'nohost'; $removed = New-FullContainer 'nohostok'; $forced = New-FullContainer 'nohostforce'
        $runspace = [runspacefactory]::CreateRunspace()
        try {
            $runspace.Open()
            function Invoke-NoHost([string] $Script, [hashtable] $Parameters) {
                $ps = [powershell]::Create(); $ps.Runspace = $runspace
                try {
                    $null = $ps.AddScript($Script).AddParameters($Parameters)
                    $null = $ps.Invoke()
                    , @($ps.Streams.Error)
                }
                finally { $ps.Dispose() }
            }
            Invoke-NoHost 'param($Manifest, $Context) Import-Module $Manifest; $null = Connect-BwAccount -Context $Context' @{ Manifest = Get-TestModuleManifest; Context = $Context } |
                Should -BeNullOrEmpty

            $refused = Invoke-NoHost 'param($Name) Remove-BwContainer $Name' @{ Name = $kept }
            $confirmed = Invoke-NoHost 'param($Name) Remove-BwContainer $Name -Confirm:$false' @{ Name = $removed }
            $withForce = Invoke-NoHost 'param($Name) Remove-BwContainer $Name -Force' @{ Name = $forced }
        }
        finally { $runspace.Dispose() }

        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId.Split(',')[0] | Should -Be 'HostFunctionNotImplemented'
        Test-ProbeContainer $kept | Should -BeTrue
        Test-ProbeContainer $removed | Should -BeFalse
        Test-ProbeContainer $forced | Should -BeFalse
        $confirmed | Should -BeNullOrEmpty
        $withForce | Should -BeNullOrEmpty
    }

    It 'reports a missing container as ObjectNotFound and still removes the others' {
        $missing = New-TestContainerName 'gone'; $present = New-FullContainer 'present'

        Remove-BwContainer $missing, $present -Force -ErrorVariable problems -ErrorAction SilentlyContinue

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'ContainerNotFound' 'RemoveBwContainerCommand' 'ObjectNotFound' $missing
        Test-ProbeContainer $present | Should -BeFalse
    }

    It 'refuses an invalid name as InvalidArgument before any prompt or request' {
        $result = Invoke-ScriptedHost -Script 'Remove-BwContainer "No_Such" -Verbose'

        $result.Errors.Count | Should -Be 1
        Assert-BwError $result.Errors[0] 'InvalidContainerName' 'RemoveBwContainerCommand' 'InvalidArgument' 'No_Such'
        $result.Prompts | Should -BeNullOrEmpty
        $result.Verbose | Should -BeNullOrEmpty
    }

    It 'takes the containers New-BwContainer emits from the pipeline' {
        $a = New-TestContainerName 'pipe-a'; $b = New-TestContainerName 'pipe-b'

        New-BwContainer $a, $b | Remove-BwContainer -Force -ErrorVariable problems

        $problems | Should -BeNullOrEmpty
        Test-ProbeContainer $a | Should -BeFalse
        Test-ProbeContainer $b | Should -BeFalse
    }

    It 'emits the removed containers with -PassThru' {
        $name = New-FullContainer 'rm-passthru'
        $removed = Remove-BwContainer $name -Force -PassThru
        $removed.Name | Should -Be $name
        "$($removed.Status)" | Should -Be 'Removed'
        Test-ProbeContainer $name | Should -BeFalse
    }
}

Describe 'Remove-BwContainer and a live pool''s start task (azure-batch-samples#165)' -Tag 'Integration' {
    AfterEach { Remove-TestResources }

    # The tutorial deleted its containers while its pool lived on, so nodes that started later failed their start
    # task. Remove-BwContainer keeps a container a live pool's start task downloads from (or warns with -Force);
    # when it goes anyway, Wait-BwTask reports the start task failure at once instead of waiting out its timeout.

    It 'keeps a container a live pool''s start task downloads from, removes the others, and removes it with -Force, which warns' {
        $pool = New-TestBatchId Pools 'guard'; $app = New-TestContainerName 'app'; $other = New-TestContainerName 'other'
        $null = New-BwPool -Id $pool -NodeCount 0 -ApplicationContainer $app
        $null = New-BwContainer $other

        Remove-BwContainer $app, $other -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue

        Test-ProbeContainer $app | Should -BeTrue
        Test-ProbeContainer $other | Should -BeFalse -Because 'no start task uses it'
        $refused.Count | Should -Be 1
        Assert-BwError $refused[0] 'ContainerUsedByPool' 'RemoveBwContainerCommand' 'InvalidOperation' $app
        $refused[0].Exception.Message | Should -BeLike "*the start task of pool(s) '$pool' downloads from it*"
        $refused[0].ErrorDetails.RecommendedAction | Should -Be "Remove the pool first (Remove-BwPool -Id $pool), or pass -Force to remove the container anyway."

        Remove-BwContainer $app -Force -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable forcedErrors

        $forcedErrors | Should -BeNullOrEmpty
        Test-ProbeContainer $app | Should -BeFalse
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike "*Container '$app' is used by the start task of pool(s) '$pool'*"
    }

    It 'removes the container without -Force and without a warning once the pool is removed' {
        $pool = New-TestBatchId Pools 'after'; $app = New-TestContainerName 'app'
        $null = New-BwPool -Id $pool -NodeCount 1 -ApplicationContainer $app

        Remove-BwPool $pool -Force
        Remove-BwContainer $app -Confirm:$false -WarningVariable warnings -ErrorVariable problems

        $problems | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        Test-ProbeContainer $app | Should -BeFalse
    }

    It 'fails the start task of a node that joins after its container was removed, and Wait-BwTask says so, without the SAS signature' {
        $pool = New-TestBatchId Pools 'late'; $job = New-TestBatchId Jobs 'late'
        $app = New-TestContainerName 'app'; $in = New-TestContainerName 'in'; $out = New-TestContainerName 'out'
        $file = New-TestInput 'late.txt' 'late'
        # The tutorial's order: the pool lives on while its application container goes...
        $null = New-BwPool -Id $pool -NodeCount 0 -ApplicationContainer $app
        Remove-BwContainer $app -Force -WarningAction SilentlyContinue
        # ...and then the pool grows (a resize in the portal, autoscale): the new node cannot download the program.
        $null = Invoke-TestBatchRequest POST "pools/$pool/resize" '{"targetDedicatedNodes":1}'

        $result = Invoke-ScriptedHost -Script '
            param($File, $Pool, $Job, $In, $Out)
            Publish-BwInput -Container (New-BwContainer $In).Name -Path $File | Start-BwJob -JobId $Job -Pool $Pool -OutputContainer $Out | Wait-BwTask -Timeout 00:05:00' `
            -Parameters @{ File = $file.FullName; Pool = $pool; Job = $job; In = $in; Out = $out }

        $nodes = @((Invoke-TestBatchRequest GET "pools/$pool/nodes?`$select=id,state").Json.value)
        $nodes.Count | Should -Be 1
        $nodes[0].state | Should -Be 'starttaskfailed'
        $result.Errors.Count | Should -Be 1
        $error0 = $result.Errors[0]
        Assert-BwError $error0 'StartTaskFailed' 'WaitBwTaskCommand' 'InvalidResult' $pool
        $error0.Exception.Message | Should -BeLike "*No node of pool '$pool' can run tasks: the start task failed on 1 of 1 node(s)*"
        # Why: the program's blob is gone; the message names it, but not its SAS signature.
        $error0.Exception.Message | Should -BeLike '*: BlobNotFound: *'
        $error0.Exception.Message | Should -BeLike "*/$app/sha256-*/batchwords-worker*"
        $error0.ErrorDetails.RecommendedAction | Should -BeLike "The start task could not download the program from the pool's application container*"
        $programUrl = [Uri] (Invoke-TestBatchRequest GET "pools/$pool").Json.startTask.resourceFiles[0].httpUrl
        $signature = [Web.HttpUtility]::ParseQueryString($programUrl.Query)['sig']
        Assert-NoSecret $result @($signature, [Uri]::EscapeDataString($signature))
        (Invoke-TestBatchRequest GET "jobs/$job/tasks/topNtask0").Json.state | Should -Be 'active'
    }
}

Describe 'Publish-BwInput' -Tag 'Integration' {
    AfterEach { Remove-TestResources }

    It 'round-trips the tutorial files byte for byte (Get-ChildItem | Publish-BwInput, then Receive-BwOutput)' {
        $container = New-TestContainerName 'input'
        $files = @(Get-ChildItem $TutorialData -Filter *.txt | Sort-Object Name)
        $destination = Join-Path $TestDrive 'received'

        $null = New-BwContainer -Name $container
        $published = @($files | Publish-BwInput -Container $container)
        $received = @(Receive-BwOutput -Container $container -Destination $destination)

        $files.Count | Should -Be 3
        $published | ForEach-Object { $_.GetType().FullName | Should -Be 'BatchWords.BwInputFile' }
        $received | ForEach-Object { $_ | Should -BeOfType [IO.FileInfo] }
        @($published.BlobName | Sort-Object) | Should -Be $files.Name
        $published | ForEach-Object { "$($_.Status) $($_.Container)" | Should -Be "Uploaded $container" }
        @($received.Name | Sort-Object) | Should -Be $files.Name
        foreach ($file in $files) {
            Get-Sha256 (Join-Path $destination $file.Name) | Should -Be (Get-Sha256 $file.FullName)
            $bytes = [IO.File]::ReadAllBytes($file.FullName)
            [Convert]::ToBase64String((Get-ProbeBlob $container $file.Name)) | Should -Be ([Convert]::ToBase64String($bytes))
            $item = $published | Where-Object BlobName -EQ $file.Name
            $item.Path | Should -Be $file.FullName
            $item.Length | Should -Be $file.Length
            $item.ContentMd5 | Should -Be ([Convert]::ToBase64String([Security.Cryptography.MD5]::HashData($bytes)))
        }
    }

    It 'binds paths by value with wildcards, and literally by property name (FullName) or -LiteralPath' {
        $container = New-ProbeContainerWith 'bind'
        $dir = Join-Path $TestDrive 'bind'
        $null = Write-TestFile 'a.txt' 'alpha' $dir; $null = Write-TestFile 'b.txt' 'beta' $dir; $null = Write-TestFile 'c.log' 'gamma' $dir
        $literal = Write-TestFile '[odd] name.dat' 'brackets are wildcards for -Path' $dir

        $names = @(& {
                Publish-BwInput -Container $container -Path (Join-Path $dir '*.txt')
                [pscustomobject]@{ FullName = $literal } | Publish-BwInput -Container $container
                Publish-BwInput -Container $container -LiteralPath (Join-Path $dir 'c.log')
            }).BlobName

        # Files of one call come in the order their parallel uploads finish.
        @($names[0..1] | Sort-Object -CaseSensitive) | Should -Be @('a.txt', 'b.txt')
        $names[2..3] | Should -Be @('[odd] name.dat', 'c.log')
        @(Get-ProbeBlobList $container) | Should -Be @('[odd] name.dat', 'a.txt', 'b.txt', 'c.log')
    }

    It 'reports a -Path wildcard that matches nothing as ObjectNotFound' {
        $container = New-ProbeContainerWith 'nomatch'
        $pattern = Join-Path $TestDrive '*.nothing'

        $output = Publish-BwInput -Container $container -Path $pattern -ErrorVariable problems -ErrorAction SilentlyContinue

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'InputFileNotFound' 'PublishBwInputCommand' 'ObjectNotFound' $pattern
        $output | Should -BeNullOrEmpty
    }

    It 'reports progress in files and bytes, and completes it' {
        $container = New-ProbeContainerWith 'progress'
        $dir = Join-Path $TestDrive 'progress'
        $total = 0
        foreach ($i in 0..5) { $total += (Get-Item (Write-TestFile "f$i.txt" ([string] [char] (97 + $i) * (1000 * ($i + 1))) $dir)).Length }

        $result = Invoke-ScriptedHost -Script 'param($Dir, $Container) Get-ChildItem $Dir -File | Publish-BwInput -Container $Container' -Parameters @{ Dir = $dir; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be 6
        $progress = $result.Progress
        $progress | Should -Not -BeNullOrEmpty
        $progress | ForEach-Object { $_.Activity | Should -Be "Publish-BwInput: uploading to container '$container'" }
        "$($progress[-1].RecordType)" | Should -Be 'Completed'
        $final = @($progress | Where-Object { "$($_.RecordType)" -eq 'Processing' })[-1]
        $kb = ($total / 1024).ToString('0.#', [cultureinfo]::InvariantCulture)
        $final.StatusDescription | Should -Be "6 of 6 files, $kb KB of $kb KB"
        $final.PercentComplete | Should -Be 100
        # The host saw the same records (what a console draws as a progress bar).
        $result.HostProgress.Count | Should -Be $progress.Count
    }

    It 'uploads in parallel up to -ThrottleLimit' {
        $container = New-ProbeContainerWith 'throttle'
        $dir = Join-Path $TestDrive 'throttle'
        foreach ($i in 0..23) { $null = Write-TestFile ('f{0:D2}.txt' -f $i) "file $i" $dir }
        $upload = 'Get-ChildItem $Dir -File | Publish-BwInput -Container $Container -Context $Context -ThrottleLimit $Limit -Prefix $Prefix'

        $one = Invoke-ThroughRelay $upload @{ Dir = $dir; Container = $container; Limit = 1; Prefix = 'one/' }
        $four = Invoke-ThroughRelay $upload @{ Dir = $dir; Container = $container; Limit = 4; Prefix = 'four/' }

        foreach ($run in $one, $four) { $run.Result.Errors | Should -BeNullOrEmpty; $run.Result.Output.Count | Should -Be 24 }
        $one.Peak | Should -Be 1
        $four.Peak | Should -BeIn 2, 3, 4
        @(Get-ProbeBlobList $container).Count | Should -Be 48
    }

    It 'refuses -ThrottleLimit <Limit> as a parameter validation error' -ForEach @(@{ Limit = 0 }, @{ Limit = 257 }) {
        $file = New-TestInput 'x.txt' 'x'
        { Publish-BwInput -Container input -Path $file.FullName -ThrottleLimit $Limit } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,BatchWords.PowerShell.PublishBwInputCommand'
    }

    It 'puts -Prefix before each blob name, which comes back as a subdirectory' {
        $container = New-ProbeContainerWith 'prefix'
        $dir = Join-Path $TestDrive 'prefix-in'
        $null = Write-TestFile 'one.txt' '1' $dir; $null = Write-TestFile 'two.txt' '22' $dir
        $destination = Join-Path $TestDrive 'prefix-out'

        $published = Get-ChildItem $dir -File | Publish-BwInput -Container $container -Prefix 'run1/'
        $null = Receive-BwOutput -Container $container -Destination $destination

        @($published.BlobName | Sort-Object) | Should -Be @('run1/one.txt', 'run1/two.txt')
        @(Get-ProbeBlobList $container) | Should -Be @('run1/one.txt', 'run1/two.txt')
        Get-Content -Raw (Join-Path $destination 'run1/two.txt') | Should -Be '22'
    }

    It 'refuses the prefix <Prefix> before any file is sent' -ForEach @(@{ Prefix = '/rooted/' }, @{ Prefix = 'back\slash/' }) {
        $container = New-ProbeContainerWith 'badprefix'
        $file = New-TestInput 'a.txt' 'a'

        $thrown = { Publish-BwInput -Container $container -Path $file.FullName -Prefix $Prefix } |
            Should -Throw -ErrorId 'InvalidBlobPrefix,BatchWords.PowerShell.PublishBwInputCommand' -PassThru

        Assert-BwError $thrown 'InvalidBlobPrefix' 'PublishBwInputCommand' 'InvalidArgument' $Prefix
        Get-ProbeBlobList $container | Should -BeNullOrEmpty
    }

    It 'skips identical content, refuses different content per file unless -Force, and replaces it with -Force' {
        $container = New-ProbeContainerWith 'skip'
        $same = Write-TestFile 'same.txt' 'unchanged content'
        $changed = Write-TestFile 'changed.txt' 'version 1'

        $null = $same, $changed | Publish-BwInput -Container $container
        $sameTag = Get-ProbeBlobETag $container 'same.txt'; $changedTag = Get-ProbeBlobETag $container 'changed.txt'
        [IO.File]::WriteAllText($changed, 'version 2, longer')
        $refused = @($same, $changed | Publish-BwInput -Container $container -ErrorVariable problems -ErrorAction SilentlyContinue)
        $afterRefusal = Get-ProbeBlobETag $container 'changed.txt'
        $forced = @($same, $changed | Publish-BwInput -Container $container -Force)

        # Identical: reported Unchanged, nothing written (same ETag), no error.
        $refused.Count | Should -Be 1
        "$($refused[0].BlobName) $($refused[0].Status)" | Should -Be 'same.txt Unchanged'
        Get-ProbeBlobETag $container 'same.txt' | Should -Be $sameTag
        # Different without -Force: a per-file ResourceExists error, the blob untouched.
        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'BlobContentDiffers' 'PublishBwInputCommand' 'ResourceExists' $changed
        $problems[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        $afterRefusal | Should -Be $changedTag
        # With -Force: replaced.
        @($forced | Sort-Object BlobName -Descending | ForEach-Object { "$($_.BlobName) $($_.Status)" }) | Should -Be @('same.txt Unchanged', 'changed.txt Uploaded')
        [Text.Encoding]::UTF8.GetString((Get-ProbeBlob $container 'changed.txt')) | Should -Be 'version 2, longer'
    }

    It 'gives each file a read-only SAS URL that started five minutes ago and expires after -SasExpiry (default 2 hours)' {
        $container = New-ProbeContainerWith 'sas'
        $file = Write-TestFile 'doc.txt' 'readable through the SAS'
        $other = Write-TestFile 'short.txt' 'short-lived'

        $before = [DateTimeOffset]::UtcNow
        $default = Publish-BwInput -Container $container -Path $file
        $short = Publish-BwInput -Container $container -Path $other -SasExpiry ([TimeSpan]::FromMinutes(30))
        $after = [DateTimeOffset]::UtcNow

        foreach ($case in @(@{ Item = $default; Expiry = [TimeSpan]::FromHours(2) }, @{ Item = $short; Expiry = [TimeSpan]::FromMinutes(30) })) {
            $item = $case.Item
            $sas = $item.GetReadSasUri()
            $query = [Web.HttpUtility]::ParseQueryString($sas.Query)
            $query['sp'] | Should -Be 'r'
            $query['sr'] | Should -Be 'b'
            $start = [DateTimeOffset]::Parse($query['st'], [cultureinfo]::InvariantCulture)
            $end = [DateTimeOffset]::Parse($query['se'], [cultureinfo]::InvariantCulture)
            # SAS times have whole seconds: one second of truncation either side.
            $start | Should -BeGreaterOrEqual $before.AddMinutes(-5).AddSeconds(-1)
            $start | Should -BeLessOrEqual $after.AddMinutes(-5).AddSeconds(1)
            $end | Should -BeGreaterOrEqual $before.Add($case.Expiry).AddSeconds(-1)
            $end | Should -BeLessOrEqual $after.Add($case.Expiry).AddSeconds(1)
            $expiresOn = [DateTimeOffset] $item.SasExpiresOn
            $expiresOn.AddTicks(-($expiresOn.Ticks % [TimeSpan]::TicksPerSecond)) | Should -Be $end
            "$($item.BlobUri)" | Should -Be $sas.GetLeftPart([UriPartial]::Path)

            $read = Invoke-TestAnonymousRequest GET $sas
            $read.Status | Should -Be 200
            [Convert]::ToBase64String($read.Body) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($item.Path)))
            (Invoke-TestAnonymousRequest PUT $sas ([Text.Encoding]::UTF8.GetBytes('overwritten'))).Status | Should -Be 403
        }
        [Text.Encoding]::UTF8.GetString((Get-ProbeBlob $container 'doc.txt')) | Should -Be 'readable through the SAS'
    }

    It 'refuses -SasExpiry <Expiry> (not positive, or longer than seven days) before any upload' -ForEach @(@{ Expiry = '0.00:00:00' }, @{ Expiry = '8.00:00:00' }) {
        $container = New-ProbeContainerWith 'expiry'
        $file = New-TestInput 'a.txt' 'a'
        $span = [TimeSpan]::Parse($Expiry, [cultureinfo]::InvariantCulture)

        $thrown = { Publish-BwInput -Container $container -Path $file.FullName -SasExpiry $span } |
            Should -Throw -ErrorId 'InvalidSasExpiry,BatchWords.PowerShell.PublishBwInputCommand' -PassThru

        Assert-BwError $thrown 'InvalidSasExpiry' 'PublishBwInputCommand' 'InvalidArgument' $span
        Get-ProbeBlobList $container | Should -BeNullOrEmpty
    }

    It 'resolves relative paths against the current location, not the process directory' {
        $container = New-ProbeContainerWith 'relative'
        $dir = Join-Path $TestDrive 'relative'
        $null = Write-TestFile 'rel.txt' 'relative input' $dir

        Push-Location $dir
        try {
            $plain = Publish-BwInput -Container $container -Path 'rel.txt'
            $wild = Publish-BwInput -Container $container -Path './*.txt' -Prefix 'wild/'
            $null = Receive-BwOutput -Container $container -Destination 'downloaded'
        }
        finally { Pop-Location }

        $plain.Path | Should -Be (Join-Path $dir 'rel.txt')
        $wild.BlobName | Should -Be 'wild/rel.txt'
        Get-Content -Raw (Join-Path $dir 'downloaded/rel.txt') | Should -Be 'relative input'
        Join-Path $dir 'downloaded/wild/rel.txt' | Should -Exist
    }

    It 'reports missing files, directories and unreadable files one by one and still uploads the others' {
        $container = New-ProbeContainerWith 'perfile'
        $first = Write-TestFile 'first.txt' 'first'
        $last = Write-TestFile 'last.txt' 'last'
        $missing = Join-Path $TestDrive 'files/missing.txt'
        $directory = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'files/a-directory')).FullName
        $locked = Write-TestFile 'locked.txt' 'held open exclusively by another program'
        $paths = @($first, $missing, $directory, $locked, $last)
        # A file that opens but fails on the first read (Linux).
        $unreadableAfterOpen = '/proc/self/mem'
        if (Test-Path $unreadableAfterOpen) { $paths += $unreadableAfterOpen }

        # FileShare.None: .NET locks the file, so opening it to read fails as for a file another program holds.
        $lock = [IO.FileStream]::new($locked, 'Open', 'ReadWrite', 'None')
        try { $uploaded = @($paths | Publish-BwInput -Container $container -ErrorVariable problems -ErrorAction SilentlyContinue) }
        finally { $lock.Dispose() }

        @($uploaded.BlobName | Sort-Object) | Should -Be @('first.txt', 'last.txt')
        @(Get-ProbeBlobList $container) | Should -Be @('first.txt', 'last.txt')
        $problems.Count | Should -Be ($paths.Count - 2)
        $byTarget = @{}; foreach ($p in $problems) { $byTarget["$($p.TargetObject)"] = $p }
        Assert-BwError $byTarget[$missing] 'InputFileNotFound' 'PublishBwInputCommand' 'ObjectNotFound' $missing
        Assert-BwError $byTarget[$directory] 'InputPathIsDirectory' 'PublishBwInputCommand' 'InvalidArgument' $directory
        Assert-BwError $byTarget[$locked] 'InputFileUnreadable' 'PublishBwInputCommand' 'ReadError' $locked
        if ($paths -contains $unreadableAfterOpen) {
            Assert-BwError $byTarget[$unreadableAfterOpen] 'InputFileUnreadable' 'PublishBwInputCommand' 'ReadError' $unreadableAfterOpen
        }
    }

    It 'stops with ContainerNotFound (ObjectNotFound) when the container is missing, and the script goes on' {
        $container = New-TestContainerName 'absent'
        $file = New-TestInput 'a.txt' 'a'

        $result = Invoke-ScriptedHost -Script 'param($File, $Container) Publish-BwInput -Container $Container -Path $File; "next statement runs"' -Parameters @{ File = $file.FullName; Container = $container }

        $result.Errors.Count | Should -Be 1
        Assert-BwError $result.Errors[0] 'ContainerNotFound' 'PublishBwInputCommand' 'ObjectNotFound' $container
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*New-BwContainer*'
        $result.Output | Should -Be 'next statement runs'
        Test-ProbeContainer $container | Should -BeFalse
    }

    It 'names each upload with -WhatIf, shows no progress and uploads nothing' {
        $container = New-ProbeContainerWith 'whatif'
        $dir = Join-Path $TestDrive 'whatif'
        $a = Write-TestFile 'a.txt' 'a' $dir; $b = Write-TestFile 'b.txt' 'b' $dir

        $result = Invoke-ScriptedHost -Script 'param($Dir, $Container) Get-ChildItem $Dir -File | Publish-BwInput -Container $Container -Prefix "p/" -WhatIf' -Parameters @{ Dir = $dir; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -BeNullOrEmpty
        $result.Progress | Should -BeNullOrEmpty
        @(Get-WhatIf $result | Sort-Object -CaseSensitive) | Should -Be @(
            "What if: Performing the operation `"Upload input file`" on target `"$a -> $container/p/a.txt`".",
            "What if: Performing the operation `"Upload input file`" on target `"$b -> $container/p/b.txt`".")
        Get-ProbeBlobList $container | Should -BeNullOrEmpty
    }

    It 'names the requests with -Verbose and never shows a SAS signature in any output property' {
        $container = New-ProbeContainerWith 'verbose'
        $file = Write-TestFile 'v.txt' 'verbose'

        $result = Invoke-ScriptedHost -Script 'param($File, $Container) Publish-BwInput -Container $Container -Path $File -Verbose -ThrottleLimit 3' -Parameters @{ File = $file; Container = $container }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be 1
        $signature = [Web.HttpUtility]::ParseQueryString($result.Output[0].GetReadSasUri().Query)['sig']
        $result.Verbose.Message | Should -Contain "Uploading 1 file(s) to $BlobBase/$container (PUT blob per file, 3 at a time)."
        $result.Verbose.Message | Should -Contain "Uploaded: $file -> $BlobBase/$container/v.txt"
        Assert-NoSecret $result $signature
    }

    It 'never shows a SAS signature in the default view, in ToString or in verbose output' {
        $container = New-ProbeContainerWith 'secret'
        $file = Get-ChildItem $TutorialData -Filter *.txt | Select-Object -First 1
        $all = $file | Publish-BwInput -Container $container -Prefix 'secret/' -Verbose 4>&1
        $inputFile = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $signature = [System.Web.HttpUtility]::ParseQueryString($inputFile.GetReadSasUri().Query)['sig']
        $signature | Should -Not -BeNullOrEmpty
        ($inputFile | Out-String).Contains($signature) | Should -BeFalse
        ($inputFile | Format-List * | Out-String).Contains($signature) | Should -BeFalse
        "$inputFile".Contains($signature) | Should -BeFalse
        (($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n").Contains($signature) | Should -BeFalse
    }

    It 'never shows a SAS signature when input files follow another type in the output' {
        # Out-Default lists a type that did not start the output with its default display properties.
        $container = New-TestContainerName 'mixed'
        $text = & {
            New-BwContainer $container
            Get-ChildItem $TutorialData -Filter *.txt | Publish-BwInput -Container $container -Prefix 'mixed/'
        } | Out-String
        $text | Should -BeLike '*BlobName*mixed/*'
        $text | Should -Not -BeLike '*sig=*'
        $text | Should -Not -BeLike '*ReadSasUri*'
    }

    It 'logs no SAS when a runbook writes its input files as JSON or CSV' {
        # A runbook's "$inputs | ConvertTo-Json" lands in the job log; the read SAS is reached by a method only.
        $container = New-ProbeContainerWith 'export'
        $inputs = Get-ChildItem $TutorialData -Filter *.txt | Publish-BwInput -Container $container -Prefix 'export/'
        $inputs[0].GetReadSasUri().Query | Should -BeLike '*sig=*'
        $json = $inputs | ConvertTo-Json -Depth 5
        $csv = Join-Path $TestDrive 'inputs.csv'
        $inputs | Export-Csv -LiteralPath $csv
        $json | Should -Not -BeLike '*sig=*'
        Get-Content -LiteralPath $csv -Raw | Should -Not -BeLike '*sig=*'
        # ... and still say what a log needs: the blob, and enum names rather than numbers.
        $json | Should -BeLike '*"BlobName": "export/*'
        $json | Should -BeLike '*"Status": "Uploaded"*'
        (Import-Csv -LiteralPath $csv)[0].Status | Should -Be 'Uploaded'
    }
}

Describe 'Receive-BwOutput' -Tag 'Integration' {
    AfterEach { Remove-TestResources }

    It 'downloads every blob into a destination it creates, subdirectories included, and emits each file' {
        $container = New-ProbeContainerWith 'all' @{ 'a_OUTPUT.txt' = 'a 3'; 'b_OUTPUT.txt' = 'b 2'; 'nested/deep/c.txt' = 'c' }
        $destination = Join-Path $TestDrive 'does/not/exist/yet'

        $received = @(Receive-BwOutput $container $destination)

        $received | ForEach-Object { $_ | Should -BeOfType [IO.FileInfo] }
        @($received | ForEach-Object { [IO.Path]::GetRelativePath($destination, $_.FullName) } | Sort-Object -CaseSensitive) |
            Should -Be @('a_OUTPUT.txt', 'b_OUTPUT.txt', 'nested/deep/c.txt')
        Get-Content -Raw (Join-Path $destination 'a_OUTPUT.txt') | Should -Be 'a 3'
        Get-Content -Raw (Join-Path $destination 'nested/deep/c.txt') | Should -Be 'c'
        Get-ChildItem $destination -Recurse -Filter *.bwpart | Should -BeNullOrEmpty
    }

    It 'emits the file system''s own items: they carry PSPath and render at 80 columns exactly as Get-ChildItem''s (Mode, Length, Directory: header)' {
        $container = New-ProbeContainerWith 'items' @{ 'a_OUTPUT.txt' = 'a 3'; 'b_OUTPUT.txt' = 'bb 22' }
        $destination = Join-Path $TestDrive 'items'

        $received = @(Receive-BwOutput $container $destination | Sort-Object Name)
        $rendered = Invoke-ScriptedHost -ToHost -Width 80 -Script 'param($Container, $Destination) Receive-BwOutput $Container $Destination -Force | Sort-Object Name' -Parameters @{ Container = $container; Destination = $destination }
        $reference = Invoke-ScriptedHost -ToHost -Width 80 -NoModule -Script 'param($Destination) Get-ChildItem $Destination -File | Sort-Object Name' -Parameters @{ Destination = $destination }

        $received | ForEach-Object { $_ | Should -BeOfType [IO.FileInfo] }
        $received.PSProvider.Name | Should -Be @('FileSystem', 'FileSystem')
        $received.PSPath | Should -Be @((Get-Item (Join-Path $destination 'a_OUTPUT.txt')).PSPath, (Get-Item (Join-Path $destination 'b_OUTPUT.txt')).PSPath)
        $received.PSParentPath | Should -Be @((Get-Item $destination).PSPath, (Get-Item $destination).PSPath)
        @($received | ForEach-Object { "$($_.BlobName) $($_.Status) $($_.Length)" }) | Should -Be @('a_OUTPUT.txt Downloaded 3', 'b_OUTPUT.txt Downloaded 5')
        $rendered.Errors | Should -BeNullOrEmpty
        $text = @($rendered.HostLines | ForEach-Object Text)
        $text | Should -Be @($reference.HostLines | ForEach-Object Text)
        $text | Should -Contain "    Directory: $destination"
        @($text | Where-Object { $_ -match '^\S+\s.*\s5 b_OUTPUT\.txt$' }).Count | Should -Be 1
    }

    It 'downloads again into the same folder without an error: identical files are Unchanged; a changed one still needs -Force' {
        $container = New-ProbeContainerWith 'again' @{ 'same.txt' = 'same bytes'; 'edited.txt' = 'from storage'; 'nested/n.txt' = 'n' }
        $destination = Join-Path $TestDrive 'again'
        $download = 'param($Container, $Destination) Receive-BwOutput $Container $Destination -Verbose -ErrorAction Stop; "next statement runs"'
        $parameters = @{ Container = $container; Destination = $destination }

        $first = Invoke-ScriptedHost -Script $download -Parameters $parameters
        $writtenAt = (Get-Item (Join-Path $destination 'same.txt')).LastWriteTimeUtc
        $second = Invoke-ScriptedHost -Script $download -Parameters $parameters
        $local = Write-TestFile 'edited.txt' 'local edit!!' $destination
        $edited = @(Receive-BwOutput $container $destination -ErrorVariable problems -ErrorAction SilentlyContinue | Sort-Object BlobName)

        foreach ($run in $first, $second) { $run.Errors | Should -BeNullOrEmpty; $run.Terminating | Should -BeNullOrEmpty; "$($run.Output[-1])" | Should -Be 'next statement runs' }
        @($first.Output | Select-Object -SkipLast 1 | ForEach-Object { "$($_.BlobName) $($_.Status)" } | Sort-Object) | Should -Be @('edited.txt Downloaded', 'nested/n.txt Downloaded', 'same.txt Downloaded')
        @($second.Output | Select-Object -SkipLast 1 | ForEach-Object { "$($_.BlobName) $($_.Status)" } | Sort-Object) | Should -Be @('edited.txt Unchanged', 'nested/n.txt Unchanged', 'same.txt Unchanged')
        @($second.Verbose.Message | Where-Object { $_ -like '*(Unchanged).' }).Count | Should -Be 3
        $second.Verbose.Message | Should -Contain "'$(Join-Path $destination 'same.txt')' already holds blob 'same.txt' (same content): left as it is (Unchanged)."
        (Get-Item (Join-Path $destination 'same.txt')).LastWriteTimeUtc | Should -Be $writtenAt
        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'OutputFileExists' 'ReceiveBwOutputCommand' 'ResourceExists' $local
        Get-Content -Raw $local | Should -Be 'local edit!!'
        @($edited | ForEach-Object { "$($_.BlobName) $($_.Status)" }) | Should -Be @('nested/n.txt Unchanged', 'same.txt Unchanged')
    }

    It 'downloads in parallel up to -ThrottleLimit' {
        $blobs = @{}; foreach ($i in 0..23) { $blobs['out{0:D2}.txt' -f $i] = "output $i" }
        $container = New-ProbeContainerWith 'throttle' $blobs
        $download = 'Receive-BwOutput -Container $Container -Destination $Destination -ThrottleLimit $Limit -Context $Context'

        $one = Invoke-ThroughRelay $download @{ Container = $container; Destination = (Join-Path $TestDrive 'limit1'); Limit = 1 }
        $four = Invoke-ThroughRelay $download @{ Container = $container; Destination = (Join-Path $TestDrive 'limit4'); Limit = 4 }

        foreach ($run in $one, $four) { $run.Result.Errors | Should -BeNullOrEmpty; $run.Result.Output.Count | Should -Be 24 }
        $one.Peak | Should -Be 1
        $four.Peak | Should -BeIn 2, 3, 4
    }

    It 'reports progress in files and bytes, and completes it' {
        $container = New-ProbeContainerWith 'progress' @{ 'one.txt' = '1' * 2000; 'two.txt' = '2' * 3000 }

        $result = Invoke-ScriptedHost -Script 'param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination' -Parameters @{ Container = $container; Destination = (Join-Path $TestDrive 'p') }

        $result.Errors | Should -BeNullOrEmpty
        $result.Progress | Should -Not -BeNullOrEmpty
        $result.Progress | ForEach-Object { $_.Activity | Should -Be "Receive-BwOutput: downloading container '$container'" }
        "$($result.Progress[-1].RecordType)" | Should -Be 'Completed'
        $final = @($result.Progress | Where-Object { "$($_.RecordType)" -eq 'Processing' })[-1]
        $final.StatusDescription | Should -Be '2 of 2 files, 4.9 KB of 4.9 KB'
        $final.PercentComplete | Should -Be 100
    }

    It 'refuses to overwrite local files one by one without -Force and replaces them with it' {
        $container = New-ProbeContainerWith 'overwrite' @{ 'kept.txt' = 'from storage'; 'new.txt' = 'new' }
        $destination = Join-Path $TestDrive 'dest'
        $local = Write-TestFile 'kept.txt' 'local edit' $destination

        $refused = @(Receive-BwOutput -Container $container -Destination $destination -ErrorVariable problems -ErrorAction SilentlyContinue)
        $contentAfterRefusal = Get-Content -Raw $local
        $forced = @(Receive-BwOutput -Container $container -Destination $destination -Force)

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'OutputFileExists' 'ReceiveBwOutputCommand' 'ResourceExists' $local
        $problems[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        $contentAfterRefusal | Should -Be 'local edit'
        $refused.Name | Should -Be 'new.txt'
        $forced.Count | Should -Be 2
        Get-Content -Raw $local | Should -Be 'from storage'
    }

    It 'refuses blob names that would escape the destination and writes nothing for them' {
        # The service folds '..' segments out of URLs; a drive-rooted name is what a hostile writer can store.
        $container = New-ProbeContainerWith 'escape' @{ 'C:evil.txt' = 'evil'; 'fine.txt' = 'fine' }
        $root = Join-Path $TestDrive 'escape'
        $destination = Join-Path $root 'inside/dest'

        $received = @(Receive-BwOutput -Container $container -Destination $destination -ErrorVariable problems -ErrorAction SilentlyContinue)

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'UnsafeBlobName' 'ReceiveBwOutputCommand' 'InvalidData' 'C:evil.txt'
        $problems[0].Exception.Message | Should -BeLike '*could be written outside*'
        $received.Name | Should -Be 'fine.txt'
        @(Get-ChildItem $root -Recurse -File).FullName | Should -Be @(Join-Path $destination 'fine.txt')
    }

    It 'takes containers by property name (BwContainer, or many BwInputFile of one container) and downloads each once, after every upload' {
        $container = New-TestContainerName 'bind'
        $data = Join-Path $TestDrive 'many'
        $names = @(0..19 | ForEach-Object { 'in{0:D2}.txt' -f $_ })
        foreach ($name in $names) { $null = Write-TestFile $name $name $data }
        $destination = Join-Path $TestDrive 'bound'

        # BwInputFile (20 of them, one container) -> Receive-BwOutput, which must download the container once,
        # and only after the upstream cmdlet has written everything; then a BwContainer.
        $made = New-BwContainer $container
        $received = @(Get-ChildItem $data -File | Publish-BwInput -Container $made.Name | Receive-BwOutput -Destination $destination)
        $again = @($made | Receive-BwOutput -Destination (Join-Path $destination 'again'))

        $received.Count | Should -Be 20
        $again.Count | Should -Be 20
        @((Get-ChildItem $destination -File).Name | Sort-Object) | Should -Be $names
        @((Get-ChildItem (Join-Path $destination 'again') -File).Name | Sort-Object) | Should -Be $names
    }

    It 'takes BwTask objects by OutputContainer, so Wait-BwTask''s output pipes in' {
        $container = New-ProbeContainerWith 'tasks' @{ 'taskdata1_OUTPUT.txt' = 'the 3'; 'taskdata2_OUTPUT.txt' = 'a 2' }
        $taskType = $Context.GetType().Assembly.GetType('BatchWords.BwTask', $true)
        $tasks = foreach ($id in 'topNtask0', 'topNtask1') {
            $task = [Activator]::CreateInstance($taskType)
            foreach ($p in @{ JobId = 'words'; TaskId = $id; OutputContainer = $container; InputContainer = 'input' }.GetEnumerator()) { $taskType.GetProperty($p.Key).SetValue($task, $p.Value) }
            $task
        }
        $destination = Join-Path $TestDrive 'tasks'

        $received = @($tasks | Receive-BwOutput -Destination $destination -ErrorVariable problems)

        $problems | Should -BeNullOrEmpty
        $received.Count | Should -Be 2
        Get-Content -Raw (Join-Path $destination 'taskdata1_OUTPUT.txt') | Should -Be 'the 3'
    }

    It 'downloads only the piped tasks'' own outputs; a missing output is an error unless its task failed' {
        $container = New-ProbeContainerWith 'named' @{ 'taskdata1_OUTPUT.txt' = 'the 3'; 'taskdata2_OUTPUT.txt' = 'a 2'; 'other_OUTPUT.txt' = 'x 1' }
        $taskType = $Context.GetType().Assembly.GetType('BatchWords.BwTask', $true)
        $tasks = foreach ($t in @(
                @('topNtask0', 'taskdata1_OUTPUT.txt', 'success'), @('topNtask1', 'taskdata2_OUTPUT.txt', 'success'),
                @('topNtask2', 'taskdata3_OUTPUT.txt', 'success'), @('topNtask3', 'taskdata4_OUTPUT.txt', 'failure'))) {
            $task = [Activator]::CreateInstance($taskType)
            foreach ($p in @{ JobId = 'words'; TaskId = $t[0]; OutputContainer = $container; OutputBlobName = $t[1]; Result = $t[2] }.GetEnumerator()) { $taskType.GetProperty($p.Key).SetValue($task, $p.Value) }
            $task
        }
        $destination = Join-Path $TestDrive 'named'

        $received = @($tasks | Receive-BwOutput -Destination $destination -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue)

        @($received.Name | Sort-Object) | Should -Be @('taskdata1_OUTPUT.txt', 'taskdata2_OUTPUT.txt')
        Join-Path $destination 'other_OUTPUT.txt' | Should -Not -Exist
        # A task that succeeded without output is an error; one that failed was already reported (by Wait-BwTask,
        # with its exit code and stderr), so its missing output is only a warning.
        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'OutputBlobNotFound' 'ReceiveBwOutputCommand' 'ObjectNotFound' 'taskdata3_OUTPUT.txt'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike '*taskdata4_OUTPUT.txt*'
    }

    It 'names the download with -WhatIf, and creates and writes nothing' {
        $container = New-ProbeContainerWith 'whatif' @{ 'a.txt' = 'a' }
        $destination = Join-Path $TestDrive 'never'

        $result = Invoke-ScriptedHost -Script 'param($Container, $Destination) Receive-BwOutput -Container $Container -Destination $Destination -WhatIf' -Parameters @{ Container = $container; Destination = $destination }

        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -BeNullOrEmpty
        Get-WhatIf $result | Should -Be "What if: Performing the operation `"Download every blob`" on target `"container '$container' -> $destination`"."
        Test-Path $destination | Should -BeFalse
    }

    It 'reports a missing container as ObjectNotFound and creates no destination' {
        $container = New-TestContainerName 'missing'
        $destination = Join-Path $TestDrive 'none'

        Receive-BwOutput -Container $container -Destination $destination -ErrorVariable problems -ErrorAction SilentlyContinue

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'ContainerNotFound' 'ReceiveBwOutputCommand' 'ObjectNotFound' $container
        Test-Path $destination | Should -BeFalse
    }

    It 'refuses an invalid container name as InvalidArgument before any request' {
        $all = Receive-BwOutput -Container 'Output' -Destination (Join-Path $TestDrive 'x') -Verbose -ErrorVariable problems -ErrorAction SilentlyContinue 4>&1

        $problems.Count | Should -Be 1
        Assert-BwError $problems[0] 'InvalidContainerName' 'ReceiveBwOutputCommand' 'InvalidArgument' 'Output'
        $all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
    }

    It 'names the requests with -Verbose' {
        $container = New-ProbeContainerWith 'verbose' @{ 'v.txt' = 'v' }
        $destination = Join-Path $TestDrive 'v'

        $verbose = Receive-BwOutput -Container $container -Destination $destination -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $expected = "Listing $BlobBase/$container (GET ?restype=container&comp=list, all pages) and downloading every blob (GET blob per file, 8 at a time) into $destination"
        @($verbose.Message | Where-Object { $_.StartsWith($expected, [StringComparison]::Ordinal) }) | Should -Not -BeNullOrEmpty
    }
}
