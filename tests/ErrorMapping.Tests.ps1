#Requires -Version 7.4
<#
    Pester 5 suite: the one error mapping of the cmdlet base (issue 13, finding 10). Every cmdlet runs its work
    under BwCmdletBase, which turns a Core failure (BwException) into an ErrorRecord once: one non-terminating
    error per failed target while the others go on (ForEachTarget), terminating where the cmdlet says so
    (IsTerminating), -ErrorAction Stop stopping at the first, and the service's request ids kept in ErrorDetails.
    Unit: no local stack (bad input is refused before any service is asked; -WhatIf asks none).

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/ErrorMapping.Tests.ps1
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    # A home of the suite's own: nothing here starts the local stack, but a mistake must not touch ~/.batchwords.
    $script:TestHome = Use-TestHome 'errormap'
    Import-Module $Manifest -Force
    $script:CmdletAssembly = (Get-Command New-BwContainer).ImplementingType.Assembly
    $script:BaseType = $CmdletAssembly.GetType('BatchWords.PowerShell.BwCmdletBase', $true)

    function Invoke-ChildScript([string] $Name, [string] $Body) {
        # A fresh pwsh, so what -WhatIf writes to the host is in the output (an in-process host swallows it).
        $script = Join-Path $TestDrive "$Name.ps1"
        Set-Content -LiteralPath $script -Value ("param(`$Manifest)`nImport-Module `$Manifest`n" + $Body)
        Invoke-TestPwsh -File $script -ArgumentList '-Manifest', $Manifest
    }
}

AfterAll {
    Restore-TestHome $TestHome
}

Describe 'One error mapping in the cmdlet base' -Tag 'Unit' {
    It 'every cmdlet runs its work through the base (it overrides neither ProcessRecord nor EndProcessing)' {
        $flags = [Reflection.BindingFlags]'NonPublic, Instance'
        $bypassing = foreach ($command in Get-Command -Module BatchWords -CommandType Cmdlet) {
            $type = $command.ImplementingType
            $type.IsSubclassOf($BaseType) | Should -BeTrue -Because "$($command.Name) must derive from BwCmdletBase"
            foreach ($method in 'ProcessRecord', 'EndProcessing', 'BeginProcessing') {
                $declaring = $type.GetMethod($method, $flags).DeclaringType
                if ($declaring -ne $BaseType -and $declaring -ne [System.Management.Automation.Cmdlet]) { "$($command.Name).$method" }
            }
        }
        $bypassing | Should -BeNullOrEmpty
        $BaseType.GetMethod('ProcessRecord', $flags).IsFinal | Should -BeTrue -Because 'ProcessRecord is sealed'
    }

    It 'writes one non-terminating error per bad target and goes on with the others; -ErrorAction Stop stops at the first' {
        $lines = @(Invoke-ChildScript 'per-target' @'
New-BwContainer -Name Bad_One, good-one, Bad_Two -WhatIf -ErrorVariable problems -ErrorAction SilentlyContinue
foreach ($p in $problems) { 'error|{0}|{1}|{2}|{3}' -f $p.FullyQualifiedErrorId, $p.CategoryInfo.Category, $p.TargetObject, $p.ErrorDetails.RecommendedAction }
'---'
try { Remove-BwContainer -Name Bad_Three, good-two -WhatIf -ErrorAction Stop; 'not stopped' }
catch { 'stopped|{0}|{1}' -f $_.FullyQualifiedErrorId, $_.TargetObject }
'@)
        $text = $lines -join "`n"
        $errors = @($lines | Where-Object { $_ -like 'error|*' })
        $errors.Count | Should -Be 2 -Because $text
        foreach ($i in 0, 1) {
            $parts = $errors[$i].Split('|')
            $parts[1] | Should -Be 'InvalidContainerName,BatchWords.PowerShell.NewBwContainerCommand'
            $parts[2] | Should -Be 'InvalidArgument'
            $parts[3] | Should -Be @('Bad_One', 'Bad_Two')[$i]
            $parts[4] | Should -Not -BeNullOrEmpty
        }
        # The good name between the two bad ones was still processed (-WhatIf says what it would do) ...
        @($lines | Where-Object { $_ -like 'What if:*"Create container"*"good-one"*' }).Count | Should -Be 1 -Because $text
        # ... but with Stop the first bad name ends the cmdlet: the next one is not reached.
        $lines | Should -Contain 'stopped|InvalidContainerName,BatchWords.PowerShell.RemoveBwContainerCommand|Bad_Three' -Because $text
        $lines | Should -Not -Contain 'not stopped'
        @($lines | Where-Object { $_ -like '*good-two*' }) | Should -BeNullOrEmpty -Because $text
    }

    It 'a cmdlet that declares its errors terminating throws even with -ErrorAction SilentlyContinue (Wait-BwTask -Timeout 0)' {
        $thrown = { Wait-BwTask -JobId some-job -Timeout 0 -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'InvalidTimeout,BatchWords.PowerShell.WaitBwTaskCommand' -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.TargetObject | Should -Be ([TimeSpan]::Zero)
        $thrown.ErrorDetails.RecommendedAction | Should -BeLike '*-Timeout*'
    }

    It 'the same bad input is non-terminating where the cmdlet does not say otherwise (Resize-BwPool -Timeout 0)' {
        # Not in a script block: -ErrorVariable would set the block's own variable. A terminating error fails the test here.
        Resize-BwPool -Id some-pool -NodeCount 1 -Timeout 0 -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'InvalidTimeout,BatchWords.PowerShell.ResizeBwPoolCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Resize-BwPool -Id some-pool -NodeCount 1 -Timeout 0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTimeout,BatchWords.PowerShell.ResizeBwPoolCommand'
    }

    It 'keeps the service''s request ids and what to do in ErrorDetails, the kind as the category, the value as the target' {
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BatchWords.Core' } | Select-Object -First 1
        if (-not $core) { $null = Get-BwContext; $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BatchWords.Core' } | Select-Object -First 1 }
        $kind = $core.GetType('BatchWords.BwErrorKind', $true)
        $exceptionType = $core.GetType('BatchWords.BwException', $true)
        $message = 'GET /pools/p failed: 404 PoolNotFound: The specified pool does not exist. Request id: r-1, client request id: c-2.'
        $error0 = [Activator]::CreateInstance($exceptionType, @([Enum]::Parse($kind, 'ObjectNotFound'), 'PoolNotFound', $message, 'p', 'Check the id with Get-BwPool.', $null))
        $toRecord = $BaseType.GetMethod('ToErrorRecord', [Reflection.BindingFlags]'NonPublic, Static')

        $record = $toRecord.Invoke($null, @($error0))

        $record.FullyQualifiedErrorId | Should -Be 'PoolNotFound'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.TargetObject | Should -Be 'p'
        $record.ErrorDetails.Message | Should -BeLike '*Request id: r-1, client request id: c-2.'
        $record.ErrorDetails.RecommendedAction | Should -Be 'Check the id with Get-BwPool.'
        [object]::ReferenceEquals($record.Exception, $error0) | Should -BeTrue
    }

    It 'maps a failure to connect on first use too: AzuriteNotFound, terminating (not once per target), not an unmapped exception' {
        $home2 = Join-Path $TestDrive (New-TestId 'no-azurite')
        $missing = Join-Path $home2 'no/main.js'
        $lines = @(Invoke-ChildScript 'first-use' @"
`$env:BATCHWORDS_HOME = '$home2'
`$env:BATCHWORDS_AZURITE = '$missing'
try { Get-BwPool -ErrorAction Stop; 'listed' }
catch { 'error|{0}|{1}' -f `$_.FullyQualifiedErrorId, `$_.CategoryInfo.Category }
try { Remove-BwJob -Id job-a, job-b -Force -ErrorAction SilentlyContinue; 'went on' }
catch { 'stopped|{0}' -f `$_.FullyQualifiedErrorId }
finally { `$null = Disconnect-BwAccount -StopLocalServices -Confirm:`$false }
"@)
        $text = $lines -join "`n"
        $lines | Should -Contain 'error|AzuriteNotFound,BatchWords.PowerShell.GetBwPoolCommand|ObjectNotFound' -Because $text
        $lines | Should -Contain 'stopped|AzuriteNotFound,BatchWords.PowerShell.RemoveBwJobCommand' -Because $text
        $lines | Should -Not -Contain 'went on'
        Join-Path $home2 'local/azurite-data' | Should -Not -Exist
    }
}
