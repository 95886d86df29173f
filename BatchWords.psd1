#
# Module manifest for BatchWords: the Azure Batch "top-N words" workload as a pipeline of cmdlets.
# build.ps1 copies this file into the built module folder next to BatchWords.PowerShell.dll.
#
@{
    RootModule           = 'BatchWords.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    # net8.0 cmdlets: the Azure SDK loads into a private AssemblyLoadContext (see README, "Loading next to Az").
    PowerShellVersion    = '7.4'
    GUID                 = '5b0f3c1e-7d2a-4e8b-9a41-2f6c8d9e0b17'
    Author               = 'BatchWords contributors'
    CompanyName          = 'BatchWords'
    Copyright            = '(c) BatchWords contributors. MIT License.'
    Description          = 'Runs the Azure Batch top-N words workload end to end (containers, upload, pool, job and tasks, wait, download, cleanup) against Azure or a local stack (Azurite and the BatchWords Batch emulator).'

    CmdletsToExport      = @(
        'Connect-BwAccount'
        'Disconnect-BwAccount'
        'Get-BwContext'
        'New-BwContainer'
        'Get-BwContainer'
        'Publish-BwInput'
        'Receive-BwOutput'
        'Remove-BwContainer'
        'New-BwPool'
        'Get-BwPool'
        'Remove-BwPool'
        'Start-BwJob'
        'Get-BwJob'
        'Remove-BwJob'
        'Get-BwTask'
        'Wait-BwTask'
        'Get-BwTaskLog'
        'Invoke-BwTutorial'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('BatchWords.Format.ps1xml', 'BatchWords.Batch.Format.ps1xml')
    # BwInputFile's DefaultDisplayPropertySet: its read SAS URL never shows in a default display.
    TypesToProcess       = @('BatchWords.Types.ps1xml')

    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Batch', 'Storage', 'Azurite', 'Emulator', 'HPC', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: storage cmdlets, local stack.'
        }
    }
}
