<#
    What the PowerShell benchmarks share (dot-sourced by Tutorial.Bench.ps1 and Scale.Bench.ps1): running a
    script in a fresh engine process that imports the built module, with BATCHWORDS_HOME set to the bench's
    own, and reading back the last line it printed that starts with 'BWBENCH '.
#>

function Get-EngineCommand {
    # The pwsh that runs this script: under the dotnet tool, ProcessPath is 'dotnet' and pwsh.dll follows it.
    $process = [Environment]::ProcessPath
    $engine = @($process)
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $engine += [Reflection.Assembly]::GetEntryAssembly().Location }
    $engine + @('-NoProfile', '-NonInteractive', '-Command')
}

function Quote([string] $text) { "'" + $text.Replace("'", "''") + "'" }

function Invoke-BenchChild {
    # One fresh engine process; returns its wall time and the text after the last 'BWBENCH ' it printed.
    param([string] $Label, [string] $Script, [string] $Manifest, [string] $BenchHome, [string] $WorkingDirectory, [string] $Prelude = '')
    $engine = @(Get-EngineCommand)
    $info = [Diagnostics.ProcessStartInfo]::new($engine[0])
    for ($i = 1; $i -lt $engine.Count; $i++) { $info.ArgumentList.Add($engine[$i]) }
    $info.ArgumentList.Add("`$ErrorActionPreference = 'Stop'; $Prelude Import-Module $(Quote $Manifest); $Script")
    $info.Environment['BATCHWORDS_HOME'] = $BenchHome
    $info.WorkingDirectory = $WorkingDirectory
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($info)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $clock.Stop()
    $line = $null
    foreach ($candidate in $stdout -split "`r?`n") { if ($candidate.StartsWith('BWBENCH ')) { $line = $candidate } }
    if ($process.ExitCode -ne 0 -or -not $line) {
        throw "$Label failed (exit code $($process.ExitCode)):$([Environment]::NewLine)$stdout$($stderr.Result)"
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Text = $line.Substring(8) }
}
