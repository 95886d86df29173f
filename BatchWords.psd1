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
        'Resize-BwPool'
        'Enable-BwAutoScale'
        'Disable-BwAutoScale'
        'Test-BwAutoScale'
        'Get-BwNode'
        'Get-BwNodeLog'
        'Start-BwJob'
        'Get-BwJob'
        'Remove-BwJob'
        'Get-BwTask'
        'Wait-BwTask'
        'Get-BwTaskLog'
        'Invoke-BwTutorial'
        'Install-BwLocalStack'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('BatchWords.Format.ps1xml', 'BatchWords.Batch.Format.ps1xml', 'BatchWords.Capacity.Format.ps1xml')
    # BwInputFile's DefaultDisplayPropertySet: its read SAS URL never shows in a default display.
    TypesToProcess       = @('BatchWords.Types.ps1xml')

    # Install-PSResource and the galleries read these. ProjectUri is the address BatchWords.PowerShell/ProjectLinks.cs
    # names; each cmdlet's HelpUri (Get-Help -Online) is a section of the README there.
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Batch', 'AzureBatch', 'Storage', 'Azurite', 'Emulator', 'HPC', 'Linux', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/batchwords/BatchWords'
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = @'
0.1.0
- The Azure Batch "top-N words" tutorial as cmdlets: containers, upload, pool, job and tasks, wait, download,
  cleanup (Invoke-BwTutorial runs it all), against Azure (shared key, SAS, Microsoft Entra ID) or the local
  default (Azurite and the BatchWords Batch emulator).
- Installable from a PSResourceGet repository: Install-PSResource BatchWords, then Install-BwLocalStack once
  (Node.js 20+ and npm) to install the pinned Azurite for the local default. The local Batch emulator ships
  self-contained for linux-x64: no .NET SDK or ASP.NET Core runtime is needed.
- The local default runs on linux-x64; elsewhere use Azure (Connect-BwAccount).
'@
        }
    }
}
