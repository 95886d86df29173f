<#
.SYNOPSIS
    The one build script of BatchWords: Build, Test, Package, Demo, Bench and Clean.

.DESCRIPTION
    Runs the same way on pwsh 7.4+ and, on machines without pwsh, on the project's own host for the
    PowerShell engine:

        pwsh ./build.ps1 -Task Test
        dotnet run --project src/BatchWords.ScriptHost -- build.ps1 -Task Test

    so it uses only the engine's core cmdlets, .NET calls and native commands (dotnet, npm, node).

    Build    installs the node tools (npm ci: Azurite), builds the solution and assembles the module in
             out/BatchWords: manifest, cmdlet DLL, formats, help, dependencies/ (Core + Azure SDK, loaded in
             their own AssemblyLoadContext), emulator/ (the local Batch service), payload/linux-x64/ (the
             worker), samples/.
    Test     Build, then every xunit suite (unit, contract, end-to-end through the PowerShell engine).
    Demo     Build, then runs the tutorial on the local default and prints the result.
    Bench    Build, then the benchmarks in bench/, each side by side with its baseline.
    Package  Build, then zips the module folder into out/.

.EXAMPLE
    dotnet run --project src/BatchWords.ScriptHost -- build.ps1 -Task Demo

.EXAMPLE
    pwsh ./build.ps1 -Task Test -Filter 'FullyQualifiedName~Storage'
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Passed to 'dotnet test --filter' to run part of the suites.
    [string] $Filter,

    # Bench only: the sizes of the generated texts, in MB (the issue's figures use 100 and 1000). Strings,
    # split on commas here: through 'pwsh -File' or the ScriptHost, "-BenchSizeMB 100,1000" arrives as one
    # string, and PowerShell would read it as the integer 1001000 (',' as a thousands separator).
    [string[]] $BenchSizeMB = @('100', '1000')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = [IO.Path]::Combine($Root, 'out')
$ModuleDir = [IO.Path]::Combine($Out, 'BatchWords')
$Staging = [IO.Path]::Combine($Out, 'staging')
$TestResults = [IO.Path]::Combine($Out, 'test-results')

function Write-Step([string] $Message) {
    $Host.UI.WriteLine("==> $Message")
}

function Invoke-Tool {
    # Runs a native command and stops the build when it fails.
    param([string] $FilePath, [string[]] $ArgumentList, [string] $WorkingDirectory = $Root)
    $Host.UI.WriteLine("    $FilePath $($ArgumentList -join ' ')")
    # Native commands start in the session's location; Set-Location is not in the engine's core cmdlets.
    $previous = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.Path
    $null = $ExecutionContext.SessionState.Path.SetLocation($WorkingDirectory)
    try {
        & $FilePath @ArgumentList
        if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
    }
    finally {
        $null = $ExecutionContext.SessionState.Path.SetLocation($previous)
    }
}

function Reset-Directory([string] $Path) {
    if ([IO.Directory]::Exists($Path)) { [IO.Directory]::Delete($Path, $true) }
    $null = [IO.Directory]::CreateDirectory($Path)
}

function Copy-Tree([string] $Source, [string] $Destination, [string[]] $Exclude = @()) {
    $null = [IO.Directory]::CreateDirectory($Destination)
    foreach ($file in [IO.Directory]::GetFiles($Source, '*', [IO.SearchOption]::AllDirectories)) {
        $relative = [IO.Path]::GetRelativePath($Source, $file)
        if ($Exclude -contains [IO.Path]::GetFileName($file)) { continue }
        $target = [IO.Path]::Combine($Destination, $relative)
        $null = [IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($target))
        [IO.File]::Copy($file, $target, $true)
    }
}

function Install-NodeTools {
    # Azurite (the Azure Storage emulator) comes from npm through the committed lockfile.
    $marker = [IO.Path]::Combine($Root, 'node_modules', '.package-lock.json')
    $lock = [IO.Path]::Combine($Root, 'package-lock.json')
    $azurite = [IO.Path]::Combine($Root, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js')
    if ([IO.File]::Exists($azurite) -and [IO.File]::Exists($marker) -and
        [IO.File]::GetLastWriteTimeUtc($marker) -ge [IO.File]::GetLastWriteTimeUtc($lock)) {
        Write-Step 'Node tools are up to date (node_modules)'
        return
    }
    Write-Step 'Installing node tools (npm ci: Azurite)'
    Invoke-Tool 'npm' @('ci', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error')
}

function Invoke-Build {
    Install-NodeTools

    Write-Step "Building the solution ($Configuration)"
    Invoke-Tool 'dotnet' @('build', 'BatchWords.sln', '-c', $Configuration, '-nologo', '-clp:ErrorsOnly;Summary')

    Write-Step 'Publishing the parts of the module'
    Reset-Directory $Staging
    $core = [IO.Path]::Combine($Staging, 'core')
    $cmdlets = [IO.Path]::Combine($Staging, 'cmdlets')
    $emulator = [IO.Path]::Combine($Staging, 'emulator')
    $worker = [IO.Path]::Combine($Staging, 'worker')
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Core', '-c', $Configuration, '--no-build', '-nologo', '-o', $core)
    Invoke-Tool 'dotnet' @('publish', 'BatchWords.PowerShell', '-c', $Configuration, '--no-build', '-nologo', '-o', $cmdlets)
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Emulator', '-c', $Configuration, '--no-build', '-nologo', '-o', $emulator)
    # The worker is NativeAOT: one self-contained linux-x64 binary, no .NET needed on the node.
    Invoke-Tool 'dotnet' @('publish', 'src/BatchWords.Worker', '-c', $Configuration, '-r', 'linux-x64', '-nologo', '-o', $worker)

    Write-Step "Assembling the module in $ModuleDir"
    Reset-Directory $ModuleDir
    [IO.File]::Copy([IO.Path]::Combine($Root, 'BatchWords.psd1'), [IO.Path]::Combine($ModuleDir, 'BatchWords.psd1'), $true)
    # Only our cmdlet DLL goes to the root; Core and the Azure SDK go to dependencies/ (own load context).
    foreach ($name in @('BatchWords.PowerShell.dll', 'BatchWords.PowerShell.pdb')) {
        $file = [IO.Path]::Combine($cmdlets, $name)
        if ([IO.File]::Exists($file)) { [IO.File]::Copy($file, [IO.Path]::Combine($ModuleDir, $name), $true) }
    }
    foreach ($format in [IO.Directory]::GetFiles([IO.Path]::Combine($Root, 'BatchWords.PowerShell', 'Formats'), '*.ps1xml')) {
        [IO.File]::Copy($format, [IO.Path]::Combine($ModuleDir, [IO.Path]::GetFileName($format)), $true)
    }
    Copy-Tree $core ([IO.Path]::Combine($ModuleDir, 'dependencies'))
    Copy-Tree $emulator ([IO.Path]::Combine($ModuleDir, 'emulator'))
    $payload = [IO.Path]::Combine($ModuleDir, 'payload', 'linux-x64')
    $null = [IO.Directory]::CreateDirectory($payload)
    [IO.File]::Copy([IO.Path]::Combine($worker, 'batchwords-worker'), [IO.Path]::Combine($payload, 'batchwords-worker'), $true)
    if (-not $IsWindows) {
        [IO.File]::SetUnixFileMode([IO.Path]::Combine($payload, 'batchwords-worker'), [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
    }
    Copy-Tree ([IO.Path]::Combine($Root, 'BatchWords.PowerShell', 'Samples')) ([IO.Path]::Combine($ModuleDir, 'samples'))
    Build-Help


    Write-Step "Module ready: $ModuleDir"
}

function Build-Help {
    # Help is generated from the markdown pages and the built cmdlets' own metadata (HelpBuilder.ps1),
    # in a separate runspace so the build session does not keep the module imported.
    Write-Step 'Generating help (MAML) from BatchWords.PowerShell/Help/*.md'
    $helpSource = [IO.Path]::Combine($Root, 'BatchWords.PowerShell', 'Help')
    $ps = [PowerShell]::Create([Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
    try {
        $null = $ps.AddScript(". '$([IO.Path]::Combine($helpSource, 'HelpBuilder.ps1'))'
            Import-Module '$([IO.Path]::Combine($ModuleDir, 'BatchWords.psd1'))' -ErrorAction Stop
            Build-BwHelp -MarkdownDirectory '$helpSource' -ModuleName BatchWords -OutputDirectory '$([IO.Path]::Combine($ModuleDir, 'en-US'))'")
        $result = $ps.Invoke()
        if ($ps.HadErrors -or $ps.Streams.Error.Count) { throw ($ps.Streams.Error | ForEach-Object { $_.ToString() }) -join [Environment]::NewLine }
        $Host.UI.WriteLine("    $result")
    }
    finally { $ps.Dispose() }
}

function Invoke-Test {
    Invoke-Build
    Write-Step 'Running the test suites'
    Reset-Directory $TestResults
    $env:BATCHWORDS_MODULE_PATH = $ModuleDir
    $arguments = @('test', 'BatchWords.sln', '-c', $Configuration, '--no-build', '-nologo',
        '--logger', 'trx', '--logger', 'console;verbosity=normal', '--results-directory', $TestResults,
        # A test that hangs (a stuck process or socket) fails the run within minutes, naming itself, instead
        # of holding CI until its overall limit.
        '--blame-hang-timeout', '10m')
    if ($Filter) { $arguments += @('--filter', $Filter) }
    $failure = $null
    try { Invoke-Tool 'dotnet' $arguments } catch { $failure = $_ }
    Write-TestSummary
    if ($failure) { throw $failure }
}

function Write-TestSummary {
    # One closing line for the whole run, summed over every suite's TRX report.
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in [IO.Directory]::GetFiles($TestResults, '*.trx', [IO.SearchOption]::AllDirectories)) {
        [xml] $report = [IO.File]::ReadAllText($trx)
        $counters = $report.TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $skipped += [int] $counters.notExecuted
    }
    $Host.UI.WriteLine("Tests: $passed passed, $failed failed, $skipped skipped")
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo: the tutorial on the local default'
    Import-Module ([IO.Path]::Combine($ModuleDir, 'BatchWords.psd1')) -Force
    & ([IO.Path]::Combine($Root, 'BatchWords.PowerShell', 'Samples', 'Demo.ps1')) | Out-Default
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
    Write-Step 'Benchmarks (each side by side with its baseline, in one run)'
    $worker = [IO.Path]::Combine($ModuleDir, 'payload', 'linux-x64', 'batchwords-worker')
    Invoke-Tool 'dotnet' @('run', '--project', 'bench/BatchWords.Bench', '-c', 'Release', '--',
        '--worker', $worker, '--out', [IO.Path]::Combine($Out, 'bench'), '--sizes', ((Get-BenchSizes) -join ','))
    Write-Step 'Benchmark: the whole tutorial on the local default (fresh processes, services of its own)'
    & ([IO.Path]::Combine($Root, 'bench', 'Tutorial.Bench.ps1')) -ModuleDir $ModuleDir -OutDirectory ([IO.Path]::Combine($Out, 'bench', 'tutorial'))
}

function Invoke-Package {
    Invoke-Build
    $manifestText = [IO.File]::ReadAllText([IO.Path]::Combine($Root, 'BatchWords.psd1'))
    $version = [regex]::Match($manifestText, "ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value
    $zip = [IO.Path]::Combine($Out, "BatchWords-$version.zip")
    if ([IO.File]::Exists($zip)) { [IO.File]::Delete($zip) }
    $null = [Reflection.Assembly]::Load('System.IO.Compression.ZipFile')
    [IO.Compression.ZipFile]::CreateFromDirectory($ModuleDir, $zip)
    Write-Step "Package: $zip"
}

function Invoke-Clean {
    Write-Step 'Cleaning build outputs'
    if ([IO.Directory]::Exists($Out)) { [IO.Directory]::Delete($Out, $true) }
    foreach ($dir in [IO.Directory]::GetDirectories($Root, '*', [IO.SearchOption]::AllDirectories)) {
        if ($dir.Contains('node_modules')) { continue }
        $name = [IO.Path]::GetFileName($dir)
        if (($name -eq 'bin' -or $name -eq 'obj') -and [IO.Directory]::Exists($dir)) { [IO.Directory]::Delete($dir, $true) }
    }
}

$started = [Diagnostics.Stopwatch]::StartNew()
foreach ($name in $Task) {
    switch ($name) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
    }
}
Write-Step ("Done: {0} in {1:mm\:ss}" -f ($Task -join ', '), $started.Elapsed)
