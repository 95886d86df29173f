#Requires -Version 7.4
<#
    Pester 5 suite: the cmdlets against Batch's transient states (issue 12, finding 13). On Azure a deleted pool or
    job stays "deleting" for a while and a create of the same pool id is 409 PoolBeingDeleted meanwhile; the
    emulator shows those states for EmulatorOptions.TransientStateStay, set long here (3 s, through
    BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS, which the local stack passes on) so each test surely lands inside it.

        ./build.ps1 -Task Test -TestPath tests/TransientStates.Tests.ps1
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:PreviousStay = $env:BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS
    $env:BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS = '3000'
    $script:TestHome = Use-TestHome 'transient'
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount
    $script:App = New-TestId 'app'
}

AfterAll {
    Get-BwJob -ErrorAction SilentlyContinue | Remove-BwJob -Force -ErrorAction SilentlyContinue
    Get-BwPool -ErrorAction SilentlyContinue | Remove-BwPool -Force -ErrorAction SilentlyContinue
    Remove-BwContainer $App -Force -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    Stop-TestLocalStack $TestHome
    $env:BATCHWORDS_EMULATOR_TRANSIENT_STATE_MS = $PreviousStay
}

Describe 'Deleting and terminating' -Tag 'Integration' {
    It 'New-BwPool waits for a pool of the same id that is still being deleted, then creates it' {
        $id = New-TestId 'again'
        $null = New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $App
        $first = (Invoke-TestBatchRequest GET "pools/$id").Json.creationTime

        Remove-BwPool $id -Force
        (Invoke-TestBatchRequest GET "pools/$id").Json.state | Should -Be 'deleting'
        (Get-BwPool -Id $id).State | Should -Be 'deleting'
        $all = New-BwPool -Id $id -NodeCount 0 -ApplicationContainer $App -Verbose 4>&1
        $verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $pool = @($all | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] })

        $verbose | Should -Contain "Pool '$id' is being deleted: waiting until it is gone to create it again."
        $pool.Count | Should -Be 1
        "$($pool[0].Provisioning)" | Should -Be 'Created'
        $again = Invoke-TestBatchRequest GET "pools/$id"
        $again.Json.state | Should -Be 'active'
        $again.Json.creationTime | Should -Not -Be $first
    }

    It 'Remove-BwJob leaves the job deleting until it is gone, and Start-BwJob on that id meanwhile says why it adds nothing' {
        $pool = New-TestId 'jobpool'
        $null = New-BwPool -Id $pool -NodeCount 0 -ApplicationContainer $App
        $in = (New-BwContainer (New-TestId 'in')).Name
        $inputs = Publish-BwInput -Container $in -Path (New-TestInput 'a.txt' 'a')
        $out = New-TestId 'out'
        $job = New-TestId 'job'
        $null = $inputs | Start-BwJob -JobId $job -Pool $pool -OutputContainer $out

        Remove-BwJob $job -Force
        (Get-BwJob -Id $job).State | Should -Be 'deleting'
        # A statement-terminating error that says why, not a failure per task.
        $failure = { $inputs | Start-BwJob -JobId $job -Pool $pool -OutputContainer $out } | Should -Throw -PassThru
        $failure.Exception.Message | Should -BeLike "*Job '$job' exists and is deleting*"
        "$($failure.TargetObject)" | Should -Be $job
        Wait-Until { (Invoke-TestBatchRequest GET "jobs/$job" -Accept 404).Status -eq 404 } "job $job to go"
    }
}
