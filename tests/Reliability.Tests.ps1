#Requires -Version 7.4
<#
    Faults are survived and measured: the whole tutorial with 20 % of the emulator's answers faulted (429/503 with
    Retry-After, connections dropped before the request had an effect, and after it), and with the emulator killed
    (SIGKILL) and started again while Wait-BwTask waits. Each run must lose no task, add none twice (exactly one task
    per input) and miss no output, and every output must hold its own input's words.

    The fault mode is the emulator's test-only BATCHWORDS_EMULATOR_FAULTS (src/BatchWords.Emulator/README.md), which
    the module passes to the emulator it starts. The figures (faults injected, requests retried, wall times) are
    printed and written to Reliability-figures.txt in the suite's BATCHWORDS_HOME parent folder for the README.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:TestHome = Use-TestHome 'reliability'
    $script:PreviousFaults = $env:BATCHWORDS_EMULATOR_FAULTS
    $env:BATCHWORDS_EMULATOR_FAULTS = $null
    Import-Module $Manifest -Force
    $script:Local = Join-Path $env:BATCHWORDS_HOME 'local'
    $script:EmulatorLog = Join-Path $Local 'batch-emulator.log'

    function New-DistinctInputs([int] $Count, [string] $Directory) {
        # Input i has the words a<i> (3 times), b<i> (2) and c<i> (1): its top 3 can only come from itself.
        foreach ($i in 0..($Count - 1)) {
            $tag = '{0:d2}' -f $i
            New-TestInput "in$tag.txt" "a$tag b$tag a$tag c$tag b$tag a$tag" -Directory $Directory
        }
    }

    function Restart-LocalEmulator([string] $Faults) {
        # The fault mode is read when the emulator starts: stop the stack, set (or clear) it, connect again.
        $null = Disconnect-BwAccount -StopLocalServices -Confirm:$false
        $env:BATCHWORDS_EMULATOR_FAULTS = $Faults
        $null = Connect-BwAccount
    }

    function Get-LogCount([string] $Pattern) {
        if (-not (Test-Path $EmulatorLog)) { return 0 }
        @(Select-String -LiteralPath $EmulatorLog -SimpleMatch $Pattern).Count
    }

    function Assert-RunIsWhole($Results, [string] $JobId, [string[]] $Inputs, [scriptblock] $Expected) {
        # 0 tasks lost, 0 added twice: exactly one task per input in the job.
        $tasks = @(Get-BwTask -JobId $JobId)
        $tasks.Count | Should -Be $Inputs.Count
        @($tasks | Group-Object InputBlobName | Where-Object Count -GT 1) | Should -BeNullOrEmpty
        @($tasks.InputBlobName | Sort-Object) | Should -Be @($Inputs | Sort-Object)
        @($tasks | Where-Object { -not $_.Succeeded }) | Should -BeNullOrEmpty
        # 0 outputs missing or wrong: one result per input, each with its own input's words.
        @($Results).Count | Should -Be $Inputs.Count
        @($Results | ForEach-Object { Split-Path -Leaf $_.Input } | Sort-Object) | Should -Be @($Inputs | Sort-Object)
        foreach ($result in $Results) {
            $name = Split-Path -Leaf $result.Input
            $result.Succeeded | Should -BeTrue -Because "the task of $name succeeded"
            $result.OutputPath | Should -Exist
            $words = ($result.TopWords | ForEach-Object { '{0} {1}' -f $_.Word, $_.Count }) -join ', '
            $words | Should -Be (& $Expected $name) -Because "the output of $name holds its own words"
        }
    }

    $script:Figures = [ordered]@{}
}

AfterAll {
    $env:BATCHWORDS_EMULATOR_FAULTS = $PreviousFaults
    if ($Figures.Count -gt 0) {
        $text = ($Figures.GetEnumerator() | ForEach-Object { '{0}: {1}' -f $_.Key, $_.Value }) -join "`n"
        Write-Host "Reliability figures:`n$text"
        Set-Content -LiteralPath (Join-Path (Split-Path $TestHome.Path) 'Reliability-figures.txt') -Value $text
    }
    Get-BwJob -ErrorAction SilentlyContinue | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool -ErrorAction SilentlyContinue | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Stop-TestLocalStack $TestHome
}

Describe 'Faults are survived' -Tag 'Integration', 'Slow' {
    It 'runs the whole tutorial on 30 inputs with 20 % of the answers faulted: nothing lost, nothing twice, every output its own' {
        $directory = Join-Path $TestDrive 'faults'
        $inputs = @(New-DistinctInputs 30 $directory)
        $names = @($inputs.Name)
        $expected = { param($name) $tag = $name.Substring(2, 2); "a$tag 3, b$tag 2, c$tag 1" }

        # The same run without faults first, in this same test run, for the added wall time.
        Restart-LocalEmulator $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $plain = @(Invoke-BwTutorial -Path $inputs.FullName -PoolId (New-TestId 'plain') -JobId ($plainJob = New-TestId 'plain') `
            -Destination (Join-Path $TestDrive 'out-plain') -KeepJob -ErrorAction Stop 6>$null)
        $plainSeconds = $clock.Elapsed.TotalSeconds
        Assert-RunIsWhole $plain $plainJob $names $expected

        # 20 % of all answers faulted: 10 % throttled (429), 5 % unavailable (503), both with Retry-After 1;
        # 2.5 % dropped before the request had any effect, 2.5 % dropped after it took effect.
        Restart-LocalEmulator 'rate=0.15;statuses=429,429,503;retryAfter=1;drop=0.025;dropAfter=0.025'
        # Three runs, so that a few dozen requests are faulted (one tutorial sends about 25 to the emulator).
        $clock.Restart()
        $runs = 3
        foreach ($run in 1..$runs) {
            $faulted = @(Invoke-BwTutorial -Path $inputs.FullName -PoolId (New-TestId 'faults') -JobId ($faultJob = New-TestId 'faults') `
                -Destination (Join-Path $TestDrive "out-faults$run") -KeepJob -ErrorAction Stop 6>$null)
            Assert-RunIsWhole $faulted $faultJob $names $expected
        }
        $faultSeconds = $clock.Elapsed.TotalSeconds / $runs
        $injected = Get-LogCount 'Fault injected'
        $retried = Get-LogCount 'Retry after fault'
        $injected | Should -BeGreaterThan 0 -Because 'the fault mode was on'
        $Figures['faults: inputs per run, runs'] = "$($names.Count), $runs"
        $Figures['faults: faults injected'] = $injected
        $Figures['faults: 429'] = (Get-LogCount 'Fault injected: 429')
        $Figures['faults: 503'] = (Get-LogCount 'Fault injected: 503')
        $Figures['faults: dropped before'] = (Get-LogCount 'connection dropped before')
        $Figures['faults: dropped after'] = (Get-LogCount 'connection dropped after')
        $Figures['faults: requests retried after a fault'] = $retried
        $Figures['faults: tasks lost / added twice / outputs missing or wrong'] = '0 / 0 / 0'
        $Figures['faults: wall time without faults (s)'] = [math]::Round($plainSeconds, 1)
        $Figures['faults: wall time with faults (s, mean of the runs)'] = [math]::Round($faultSeconds, 1)
        Restart-LocalEmulator $null
    }

    It 'runs the tutorial through the emulator killed (SIGKILL) and started again while Wait-BwTask waits' {
        Restart-LocalEmulator $null
        $directory = Join-Path $TestDrive 'kill'
        $inputs = @(foreach ($i in 0..29) { New-TestInput ('k{0:d2}.txt' -f $i) ('word{0:d2}' -f $i) -Directory $directory })
        $names = @($inputs.Name)
        # A worker that takes a second per input, so that tasks are still running and queued at the kill: the
        # tests' fake worker (its output: the input's first line, count 1) behind a one-second pause.
        $fake = New-FakeWorker
        $slow = Join-Path (Split-Path $fake.Path) 'batchwords-worker'
        Set-Content -LiteralPath $slow -Value "#!/bin/sh`nsleep 1`nexec '$($fake.Path)' `"`$@`"`n" -NoNewline
        chmod 755 $slow
        $pool = New-TestId 'kill'
        $null = New-BwPool -Id $pool -NodeCount 2 -Program $slow
        Wait-Until { (Get-BwPool -Id $pool).NodeStates.idle -eq 2 } "the nodes of $pool idle"

        # The user's session: another pwsh running the tutorial, its results saved as CLIXML.
        $job = New-TestId 'kill'
        $resultsFile = Join-Path $TestDrive 'kill-results.xml'
        $script = Join-Path $TestDrive 'kill-run.ps1'
        Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
Invoke-BwTutorial -Path '$directory/*.txt' -PoolId '$pool' -JobId '$job' -Destination '$(Join-Path $TestDrive 'out-kill')' -KeepJob -KeepPool 6>`$null |
    Export-Clixml -LiteralPath '$resultsFile'
"@
        $pwsh = @(Get-TestPwsh)
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script)) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $run = [Diagnostics.Process]::Start($start)
        $stdout = $run.StandardOutput.ReadToEndAsync()
        $stderr = $run.StandardError.ReadToEndAsync()
        try {
            # Mid-wait: some tasks done, some running, some still queued.
            Wait-Until { $t = @(Get-BwTask -JobId $job -ErrorAction SilentlyContinue); @($t | Where-Object State -EQ 'completed').Count -ge 4 } 'four tasks completed' -TimeoutSeconds 120
            $emulator = Get-Content -Raw (Join-Path $Local 'batch-emulator.json') | ConvertFrom-Json
            $stateBefore = @(Get-BwTask -JobId $job) | Group-Object State -NoElement | ForEach-Object { "$($_.Name) $($_.Count)" }
            kill -9 $emulator.ProcessId
            Wait-Until { -not (Test-ProcessAlive $emulator.ProcessId) } 'the emulator to die'
            [Threading.Thread]::Sleep(3000) # the waiting session meets "connection refused" meanwhile
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $null = Connect-BwAccount # starts the emulator again, through the module's own path
            $restartSeconds = $clock.Elapsed.TotalSeconds
            $after = Get-Content -Raw (Join-Path $Local 'batch-emulator.json') | ConvertFrom-Json
            $after.ProcessId | Should -Not -Be $emulator.ProcessId
            $after.Endpoint | Should -Be $emulator.Endpoint -Because 'the emulator takes its port again, where the waiting session looks'

            $run.WaitForExit(300000) | Should -BeTrue -Because 'the tutorial finishes'
        }
        finally {
            if (-not $run.HasExited) { $run.Kill($true) }
        }
        $run.ExitCode | Should -Be 0 -Because "the tutorial survived the restart: $($stderr.Result) $($stdout.Result)"
        $results = @(Import-Clixml -LiteralPath $resultsFile)
        Assert-RunIsWhole $results $job $names { param($name) 'word{0} 1' -f $name.Substring(1, 2) }
        # The restarted emulator says what it restored and requeued (its log starts anew with each start).
        $restored = Select-String -LiteralPath $EmulatorLog -Pattern 'restored .* (\d+) task\(s\) that were running were requeued' | Select-Object -First 1
        $restored | Should -Not -BeNullOrEmpty
        $requeued = [int] $restored.Matches[0].Groups[1].Value

        $Figures['kill: inputs'] = $names.Count
        $Figures['kill: task states at the kill'] = $stateBefore -join ', '
        $Figures['kill: tasks requeued by the restart'] = $requeued
        $Figures['kill: emulator restart (s)'] = [math]::Round($restartSeconds, 1)
        $Figures['kill: tasks lost / added twice / outputs missing or wrong'] = '0 / 0 / 0'
    }
}
