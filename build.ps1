#Requires -Version 7.4
<#
.SYNOPSIS
    The one build script of BatchWords: Build, Test, Package, Demo, Bench and Clean.

.DESCRIPTION
    Runs on the pwsh the repository pins in its local tool manifest (dotnet-tools.json), so a machine with
    the .NET SDK and Node.js needs nothing else:

        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Test

    Build    installs the node tools (npm ci: Azurite), restores the test tools (Pester and the older
             Azure.Core the load-context test needs, from NuGet), builds the solution and assembles the module
             in out/BatchWords: manifest, cmdlet DLL, formats, help, dependencies/ (Core + Azure SDK, loaded in
             their own AssemblyLoadContext), emulator/ (the local Batch service), payload/linux-x64/ (the
             worker), samples/.
    Test     installs the node tools with the development ones (npm ci: @azure/batch, the official JS SDK the
             emulator's contract test runs), Build, then the xunit suites (Core, Emulator, Worker; the
             Emulator's include tests/js-sdk/contract.mjs under node), Package (tests/Install.Tests.ps1 installs
             the module from it) and every Pester suite (tests/*.Tests.ps1, one fresh pwsh each), results as XML
             under out/test-results, and one closing line that counts both.
    Demo     Build, then runs the tutorial on the local default and prints the result.
    Bench    Build, then the benchmarks in bench/, each side by side with its baseline: the worker, the
             tutorial, the scale row (-Scale 1k|10k|100k small files end to end) and the Spot preemption
             rehearsal; -Bench picks some.
    Package  Build, then publishes the module with Publish-PSResource into the file repository out/repository
             (out/repository/BatchWords.<version>.nupkg), which Install-PSResource installs from.
    Clean    Removes out/ and every bin/ and obj/.

    Each task builds at most once per invocation: '-Task Build, Test' builds once.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -Tag Unit
    Only the Pester tests tagged Unit (the fast ones: no local stack); the xunit suites are skipped unless
    -Filter is also given.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -Filter 'FullyQualifiedName~Storage' -TestPath tests/Storage.Tests.ps1
    Part of the xunit suites and one Pester suite.
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: passed to 'dotnet test --filter' to run part of the xunit suites.
    [string] $Filter,

    # Test: run only the Pester tests with one of these tags (Unit, Integration, Slow). Without -Filter, the
    # xunit suites are then skipped (-Filter alone runs only xunit; -TestPath alone only those Pester suites).
    [string[]] $Tag,

    # Test: leave out the Pester tests with one of these tags (for example Slow).
    [string[]] $ExcludeTag,

    # Test: the Pester suites to run (default: every tests/*.Tests.ps1).
    [string[]] $TestPath,

    # Test: a Pester suite that runs longer than this is killed and named as hung (xunit: 10 minutes per test).
    [ValidateRange(1, 120)]
    [int] $SuiteTimeoutMinutes = 20,

    # Bench only: the sizes of the generated texts, in MB (the issue's figures use 100 and 1000). Strings,
    # split on commas here: through 'pwsh -File', "-BenchSizeMB 100,1000" arrives as one string, and
    # PowerShell would read it as the integer 1001000 (',' as a thousands separator).
    [string[]] $BenchSizeMB = @('100', '1000'),

    # Bench only: how many small files the scale row sends end to end (issue 12): 1k, 10k (default) or 100k.
    [ValidateSet('1k', '10k', '100k')]
    [string] $Scale = '10k',

    # Bench only: which benchmarks to run (default all): Worker, Tutorial, Scale, Preemption (commas allowed, as for -Tag).
    [string[]] $Bench = @('Worker', 'Tutorial', 'Scale', 'Preemption')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# Logs (CI, a file) get plain text, not terminal colour codes.
if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }

# Through 'pwsh -File' (and so 'dotnet pwsh ./build.ps1'), a list such as '-Tag Unit,Slow' arrives as one
# string; split such lists on commas so both forms work.
$Tag = @($Tag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$TestPath = @($TestPath | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out 'BatchWords'
$Staging = Join-Path $Out 'staging'
$TestResults = Join-Path $Out 'test-results'
$TestTools = Join-Path $Root 'tests/BatchWords.TestTools/BatchWords.TestTools.csproj'
$script:Built = $false
$script:Packaged = $false
$script:TestSummary = $null

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Tool {
    # Runs a native command in $WorkingDirectory and stops the build when it fails.
    param([string] $FilePath, [string[]] $ArgumentList, [string] $WorkingDirectory = $Root)
    Write-Host "    $FilePath $($ArgumentList -join ' ')"
    Push-Location $WorkingDirectory
    try {
        & $FilePath @ArgumentList
        if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
    }
    finally { Pop-Location }
}

function Reset-Directory([string] $Path) {
    if (Test-Path $Path) { Remove-Item $Path -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $Path
}

function Get-PwshCommand {
    # The pwsh that runs this script, to start children with: under the dotnet tool, ProcessPath is
    # 'dotnet' and the entry assembly is pwsh.dll.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, [Reflection.Assembly]::GetEntryAssembly().Location)
    }
    @($process)
}

function Install-NodeTools([switch] $WithDevelopmentTools) {
    # Azurite (the Azure Storage emulator) comes from npm through the committed lockfile. The Test task also
    # installs the development dependencies: the official @azure/batch SDK that the JS contract test
    # (tests/js-sdk/contract.mjs) runs against the emulator. The module ships no node package either way: it finds
    # Azurite in the repository's node_modules, and the SDK is only ever used by that test.
    $marker = Join-Path $Root 'node_modules/.package-lock.json'
    $lock = Join-Path $Root 'package-lock.json'
    $needed = @(Join-Path $Root 'node_modules/azurite/dist/src/blob/main.js')
    if ($WithDevelopmentTools) { $needed += Join-Path $Root 'node_modules/@azure/batch/package.json' }
    if (-not ($needed | Where-Object { -not (Test-Path $_) }) -and (Test-Path $marker) -and
        (Get-Item $marker -Force).LastWriteTimeUtc -ge (Get-Item $lock).LastWriteTimeUtc) {
        Write-Step 'Node tools are up to date (node_modules)'
        return
    }
    $arguments = @('ci', '--no-audit', '--no-fund', '--loglevel=error')
    if ($WithDevelopmentTools) { Write-Step 'Installing node tools (npm ci: Azurite, and @azure/batch for the contract test)' }
    else {
        Write-Step 'Installing node tools (npm ci: Azurite)'
        $arguments += '--omit=dev'
    }
    Invoke-Tool 'npm' $arguments
}

function Get-TestToolPath([string] $Package, [string] $Version, [string] $RelativePath) {
    # A file of a package the TestTools project downloaded, from the NuGet packages folder its restore used.
    $assets = Get-Content (Join-Path (Split-Path $TestTools) 'obj/project.assets.json') -Raw | ConvertFrom-Json -AsHashtable
    foreach ($folder in $assets['packageFolders'].Keys) {
        $path = Join-Path $folder $Package.ToLowerInvariant() $Version $RelativePath
        if (Test-Path $path) { return $path }
    }
    throw "$Package $Version is not in the NuGet packages folder after restoring $TestTools ($RelativePath missing)."
}

function Invoke-Build {
    if ($script:Built) { return }
    Install-NodeTools

    Write-Step 'Restoring the test tools (Pester, Azure.Core 1.53.0) from NuGet'
    Invoke-Tool 'dotnet' @('restore', $TestTools, '-nologo', '--verbosity', 'quiet')

    Write-Step "Building the solution ($Configuration)"
    Invoke-Tool 'dotnet' @('build', 'BatchWords.sln', '-c', $Configuration, '-nologo', '-clp:ErrorsOnly;Summary')

    Write-Step 'Publishing the parts of the module'
    Reset-Directory $Staging
    $core = Join-Path $Staging 'core'
    $cmdlets = Join-Path $Staging 'cmdlets'
    $emulator = Join-Path $Staging 'emulator'
    $worker = Join-Path $Staging 'worker'
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Core', '-c', $Configuration, '--no-build', '-nologo', '-o', $core)
    Invoke-Tool 'dotnet' @('publish', 'BatchWords.PowerShell', '-c', $Configuration, '--no-build', '-nologo', '-o', $cmdlets)
    # The emulator self-contained for linux-x64 (the runtime and ASP.NET Core inside, trimmed): the module starts
    # the executable directly, so the machine needs no .NET SDK or ASP.NET Core runtime (see README, Installing).
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Emulator', '-c', $Configuration, '-r', 'linux-x64', '--self-contained', '-nologo', '-o', $emulator)
    # The worker is NativeAOT: one self-contained linux-x64 binary, no .NET needed on the node.
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Worker', '-c', $Configuration, '-r', 'linux-x64', '-nologo', '-o', $worker)

    Write-Step "Assembling the module in $ModuleDir"
    Reset-Directory $ModuleDir
    Copy-Item (Join-Path $Root 'BatchWords.psd1') $ModuleDir
    # Only our cmdlet DLL goes to the root; Core and the Azure SDK go to dependencies/ (own load context).
    Copy-Item (Join-Path $cmdlets 'BatchWords.PowerShell.dll'), (Join-Path $cmdlets 'BatchWords.PowerShell.pdb') $ModuleDir
    Copy-Item (Join-Path $Root 'BatchWords.PowerShell/Formats/*.ps1xml') $ModuleDir
    Copy-Item $core (Join-Path $ModuleDir 'dependencies') -Recurse
    Copy-Item $emulator (Join-Path $ModuleDir 'emulator') -Recurse
    $payload = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleDir 'payload/linux-x64')
    Copy-Item (Join-Path $worker 'batchwords-worker') $payload
    if (-not $IsWindows) { chmod 755 (Join-Path $payload 'batchwords-worker') }
    Copy-Item (Join-Path $Root 'BatchWords.PowerShell/Samples') (Join-Path $ModuleDir 'samples') -Recurse
    # What Install-BwLocalStack installs Azurite from (npm ci): the same pins the repository's build uses.
    $localstack = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleDir 'localstack')
    Copy-Item (Join-Path $Root 'package.json'), (Join-Path $Root 'package-lock.json') $localstack
    Build-Help
    $script:Built = $true
    Write-Step "Module ready: $ModuleDir"
}

function Build-Help {
    # Help is generated from the markdown pages and the built cmdlets' own metadata (HelpBuilder.ps1), in a
    # child pwsh so the build session does not keep the module (and its assemblies) loaded.
    Write-Step 'Generating help (MAML) from BatchWords.PowerShell/Help/*.md'
    $helpSource = Join-Path $Root 'BatchWords.PowerShell/Help'
    $pwsh = @(Get-PwshCommand)
    $script = ". '$(Join-Path $helpSource 'HelpBuilder.ps1')'; " +
        "Import-Module '$(Join-Path $ModuleDir 'BatchWords.psd1')'; " +
        "Build-BwHelp -MarkdownDirectory '$helpSource' -ModuleName BatchWords -OutputDirectory '$(Join-Path $ModuleDir 'en-US')'"
    $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', "`$ErrorActionPreference = 'Stop'; $script")
    Invoke-Tool $pwsh[0] $pwshArgs
}

function Invoke-Test {
    Install-NodeTools -WithDevelopmentTools
    Invoke-Build
    Write-Step 'Running the test suites'
    Reset-Directory $TestResults
    $env:BATCHWORDS_MODULE_PATH = $ModuleDir
    $failures = [Collections.Generic.List[string]]::new()

    # -Filter selects xunit tests, -Tag and -TestPath select Pester tests; with none of them, both run.
    if ($Filter -or -not ($Tag -or $TestPath)) {
        $arguments = @('test', 'BatchWords.sln', '-c', $Configuration, '--no-build', '-nologo',
            '--logger', 'trx', '--logger', 'console;verbosity=normal', '--results-directory', (Join-Path $TestResults 'xunit'),
            # A test that hangs (a stuck process or socket) fails the run within minutes, naming itself, instead
            # of holding CI until its overall limit.
            '--blame-hang-timeout', '10m')
        if ($Filter) { $arguments += @('--filter', $Filter) }
        try { Invoke-Tool 'dotnet' $arguments } catch { $failures.Add("xunit: $($_.Exception.Message)") }
    }

    if (-not $Filter -or $Tag -or $ExcludeTag -or $TestPath) {
        # tests/Install.Tests.ps1 installs the module from the package, as a user would.
        Invoke-Package
        $env:BATCHWORDS_TEST_REPOSITORY = Join-Path $Out 'repository'
        foreach ($failure in @(Invoke-PesterSuites)) { $failures.Add($failure) }
    }

    Write-TestSummary
    if ($failures.Count) { throw ("Tests failed:`n  " + ($failures -join "`n  ")) }
}

function Invoke-PesterSuites {
    # One fresh pwsh per suite (see tests/Invoke-PesterSuite.ps1), bounded in time; returns what failed.
    $pester = Get-TestToolPath 'Pester' '5.7.1' 'tools/Pester.psd1'
    $env:BATCHWORDS_TEST_OLD_AZURE_CORE = Get-TestToolPath 'Azure.Core' '1.53.0' 'lib/net8.0/Azure.Core.dll'
    # The suites' BATCHWORDS_HOME folders go here, outside Pester's TestDrive (see tests/TestSupport.ps1).
    $env:BATCHWORDS_TEST_ROOT = Join-Path $Out 'test-homes'
    $suites = if ($TestPath) { $TestPath | ForEach-Object { (Resolve-Path $_ -ErrorAction Stop).Path } }
    else { (Get-ChildItem (Join-Path $Root 'tests') -Filter '*.Tests.ps1').FullName }
    $pwsh = @(Get-PwshCommand)
    $resultDirectory = Join-Path $TestResults 'pester'
    foreach ($suite in $suites) {
        $name = [IO.Path]::GetFileName($suite)
        Write-Step "Pester: $name"
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File',
                (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'), '-Path', $suite, '-PesterManifest', $pester,
                '-OutputDirectory', $resultDirectory)) { $info.ArgumentList.Add($argument) }
        if ($Tag) { $info.ArgumentList.Add('-Tag'); $info.ArgumentList.Add($Tag -join ',') }
        if ($ExcludeTag) { $info.ArgumentList.Add('-ExcludeTag'); $info.ArgumentList.Add($ExcludeTag -join ',') }
        $info.UseShellExecute = $false
        $info.WorkingDirectory = $Root
        $process = [Diagnostics.Process]::Start($info)
        if (-not $process.WaitForExit([TimeSpan]::FromMinutes($SuiteTimeoutMinutes))) {
            $process.Kill($true)
            $process.WaitForExit()
            "Pester suite $name hung: still running after $SuiteTimeoutMinutes min, killed (the last test it printed above is where it stopped)"
            continue
        }
        $process.WaitForExit()
        if (-not (Test-Path (Join-Path $resultDirectory (($name -replace '\.Tests\.ps1$', '') + '.summary.json')))) {
            "Pester suite $name ended (exit code $($process.ExitCode)) without writing its results"
        }
        elseif ($process.ExitCode -ne 0) { "Pester suite $name failed" }
    }
}

function Write-TestSummary {
    # One closing line for the whole run: the xunit TRX reports and the Pester summaries added up.
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $TestResults -Filter '*.trx' -Recurse) {
        $counters = ([xml] (Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $skipped += [int] $counters.notExecuted
    }
    foreach ($summary in Get-ChildItem $TestResults -Filter '*.summary.json' -Recurse) {
        $counts = Get-Content -LiteralPath $summary.FullName -Raw | ConvertFrom-Json
        $passed += $counts.Passed
        # A failed BeforeAll or discovery fails no test by itself; count it so the line cannot read 0 failed.
        $failed += $counts.Failed + $counts.FailedContainers + $counts.FailedBlocks
        $skipped += $counts.Skipped
    }
    $script:TestSummary = "Tests: $passed passed, $failed failed, $skipped skipped"
    Write-Host $script:TestSummary
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo: the tutorial on the local default'
    Import-Module (Join-Path $ModuleDir 'BatchWords.psd1') -Force
    & (Join-Path $Root 'BatchWords.PowerShell/Samples/Demo.ps1') | Out-Host
}

function Get-BenchSizes {
    foreach ($text in @($BenchSizeMB -split ',' | Where-Object { $_.Trim() })) {
        $size = 0
        if (-not [int]::TryParse($text.Trim(), [ref] $size) -or $size -lt 1) {
            throw "-BenchSizeMB takes whole numbers of MB (for example 100,1000), not '$text'."
        }
        $size
    }
}

function Invoke-Bench {
    Invoke-Build
    $benches = @($Bench | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { $_.Trim() })
    $unknown = @($benches | Where-Object { $_ -notin 'Worker', 'Tutorial', 'Scale', 'Preemption' })
    if ($unknown) { throw "-Bench takes Worker, Tutorial, Scale and/or Preemption, not '$($unknown -join ', ')'." }
    $worker = Join-Path $ModuleDir 'payload/linux-x64/batchwords-worker'
    if ($benches -contains 'Worker') {
        Write-Step 'Benchmarks (each side by side with its baseline, in one run)'
        Invoke-Tool 'dotnet' @('run', '--project', 'bench/BatchWords.Bench', '-c', 'Release', '--',
            '--worker', $worker, '--out', (Join-Path $Out 'bench'), '--sizes', ((Get-BenchSizes) -join ','))
    }
    if ($benches -contains 'Tutorial') {
        Write-Step 'Benchmark: the whole tutorial on the local default (fresh processes, services of its own)'
        & (Join-Path $Root 'bench/Tutorial.Bench.ps1') -ModuleDir $ModuleDir -OutDirectory (Join-Path $Out 'bench/tutorial')
    }
    if ($benches -contains 'Scale') {
        Write-Step "Benchmark: $Scale small files end to end on the local default, each step beside its baseline"
        Invoke-Tool 'dotnet' @('build', 'bench/BatchWords.Bench', '-c', 'Release', '-nologo', '-clp:ErrorsOnly')
        & (Join-Path $Root 'bench/Scale.Bench.ps1') -ModuleDir $ModuleDir -OutDirectory (Join-Path $Out "bench/scale-$Scale") -Worker $worker -Scale $Scale -Root $Root
    }
    if ($benches -contains 'Preemption') {
        Write-Step 'Benchmark: Spot preemption rehearsed locally (a run without and a run with preemptions, one session)'
        & (Join-Path $Root 'bench/Preemption.Bench.ps1') -ModuleDir $ModuleDir -OutDirectory (Join-Path $Out 'bench/preemption')
    }
}

function Invoke-Package {
    if ($script:Packaged) { return }
    # The module's .nupkg as PSResourceGet publishes it: Publish-PSResource into a file repository in
    # out/repository, from which Install-PSResource installs it (tests/Install.Tests.ps1 does). Run in a child
    # pwsh whose PSResourceGet settings (the repository list) live under out/, so the user's own registered
    # repositories are neither read nor changed.
    Invoke-Build
    $version = (Import-PowerShellDataFile (Join-Path $Root 'BatchWords.psd1')).ModuleVersion
    $repository = Join-Path $Out 'repository'
    Reset-Directory $repository
    $settings = Join-Path $Out 'psresourceget'
    Reset-Directory $settings
    Write-Step "Publishing BatchWords $version with Publish-PSResource to $repository"
    $script = "Register-PSResourceRepository -Name BatchWordsBuild -Uri '$repository' -Trusted; " +
        "Publish-PSResource -Path '$ModuleDir' -Repository BatchWordsBuild"
    $pwsh = @(Get-PwshCommand)
    $previous = $env:XDG_DATA_HOME
    # PSResourceGet keeps its repository list in the local application data folder, which is XDG_DATA_HOME on Linux.
    $env:XDG_DATA_HOME = $settings
    try {
        Invoke-Tool $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command',
                "`$ErrorActionPreference = 'Stop'; $script"))
    }
    finally { $env:XDG_DATA_HOME = $previous }
    $package = Join-Path $repository "BatchWords.$version.nupkg"
    if (-not (Test-Path $package)) { throw "Publish-PSResource did not produce $package." }
    Write-Step ("Package: {0} ({1:0.0} MB; the module folder is {2:0.0} MB)" -f $package, ((Get-Item $package).Length / 1MB),
        ((Get-ChildItem $ModuleDir -Recurse -File | Measure-Object Length -Sum).Sum / 1MB))
    $script:Packaged = $true
}

function Invoke-Clean {
    Write-Step 'Cleaning build outputs'
    if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj |
        Where-Object FullName -NotMatch '[\\/]node_modules[\\/]' |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

$started = [Diagnostics.Stopwatch]::StartNew()
foreach ($name in $Task) {
    switch ($name) {
        'Clean' { Invoke-Clean; $script:Built = $false; $script:Packaged = $false }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
    }
}
Write-Step ("Done: {0} in {1:mm\:ss}" -f ($Task -join ', '), $started.Elapsed)
# The test count closes the output, where CI and people look for it.
if ($script:TestSummary) { Write-Host $script:TestSummary }
