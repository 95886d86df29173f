<#
    What the Pester suites share, dot-sourced in their BeforeAll:

        . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))

    Where the built module and the tutorial data are, a BATCHWORDS_HOME of the suite's own and the local stack
    stopped at the end, unique ids, input files, waiting, and the fake worker (tests/fake-worker.sh, which the
    engine tests install too). Only the engine's core cmdlets and .NET, so the engine tests
    (tests/BatchWords.PowerShell.Tests, TestSupportScriptTests) run these functions where there is no pwsh.
#>

function Get-TestModuleManifest {
    # The module the build assembled (or BATCHWORDS_MODULE_PATH), which the suites import.
    $moduleDir = if ($env:BATCHWORDS_MODULE_PATH) { $env:BATCHWORDS_MODULE_PATH } else { [IO.Path]::Combine([IO.Path]::GetDirectoryName($PSScriptRoot), 'out', 'BatchWords') }
    $manifest = [IO.Path]::Combine($moduleDir, 'BatchWords.psd1')
    if (-not [IO.File]::Exists($manifest)) { throw "The built module is missing ($manifest): run ./build.ps1 -Task Build first." }
    $manifest
}

function Get-TestTutorialData {
    # ../shared/tutorial-data beside the repository: the tutorial's three input files.
    $data = [IO.Path]::GetFullPath([IO.Path]::Combine([IO.Path]::GetDirectoryName($PSScriptRoot), '..', 'shared', 'tutorial-data'))
    if (-not [IO.Directory]::Exists($data) -or [IO.Directory]::GetFiles($data, '*.txt').Count -eq 0) { throw "The tutorial data is missing: $data" }
    $data
}

function Use-TestHome([string] $Path) {
    # The suite's own BATCHWORDS_HOME (never the developer's ~/.batchwords); returns the previous value for Restore-TestHome.
    $previous = $env:BATCHWORDS_HOME
    $env:BATCHWORDS_HOME = $Path
    $previous
}

function Restore-TestHome([string] $PreviousHome) {
    Remove-Module BatchWords -ErrorAction SilentlyContinue
    $env:BATCHWORDS_HOME = $PreviousHome
}

function Stop-TestLocalStack([string] $PreviousHome) {
    # Stops the services the suite started under its BATCHWORDS_HOME, and fails the suite if one would not stop.
    $stopped = Disconnect-BwAccount -StopLocalServices -Confirm:$false
    Restore-TestHome $PreviousHome
    foreach ($service in @($stopped)) {
        if ($service.Status -eq 'StillRunning') { throw "$($service.Name) (pid $($service.ProcessId)) is still running." }
    }
}

function New-TestId([string] $Stem, [int] $Length = 12) {
    # Unique per call, valid as a container, pool or job id.
    '{0}-{1}' -f $Stem, [guid]::NewGuid().ToString('N').Substring(0, $Length)
}

function New-TestInput([string] $Name, [string] $Content, [string] $Directory = [IO.Path]::Combine($TestDrive, 'inputs')) {
    # A text file with exactly this content (no newline added), as a FileInfo for Publish-BwInput or -Path.
    $null = [IO.Directory]::CreateDirectory($Directory)
    $path = [IO.Path]::Combine($Directory, $Name)
    [IO.File]::WriteAllText($path, $Content)
    [IO.FileInfo]::new($path)
}

function New-FakeWorker([string] $Name = 'fake-worker', [string] $Directory = [IO.Path]::Combine($TestDrive, (New-TestId 'program'))) {
    # tests/fake-worker.sh as an executable $Name; sleeping tasks write their pids into the returned Pids directory.
    $pids = [IO.Path]::Combine($Directory, 'pids')
    $null = [IO.Directory]::CreateDirectory($pids)
    $path = [IO.Path]::Combine($Directory, $Name)
    $script = [IO.File]::ReadAllText([IO.Path]::Combine($PSScriptRoot, 'fake-worker.sh'))
    [IO.File]::WriteAllText($path, $script.Replace("`r`n", "`n").Replace('@PID_DIRECTORY@', $pids))
    [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
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
    $stat = "/proc/$ProcessId/stat"
    try { [IO.File]::Exists($stat) -and [IO.File]::ReadAllText($stat) -notmatch '\) Z ' }
    catch [IO.IOException] { $false }
}
