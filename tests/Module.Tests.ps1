#Requires -Version 7.4
<#
    Pester 5 suite for machines with pwsh: the built module as PowerShell sees it (manifest, exports, verbs,
    output types, help, loading next to an older Azure.Core). The same scenarios run in CI through the hosted
    engine (tests/BatchWords.PowerShell.Tests); CI parses this file so it cannot rot unnoticed.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Module.Tests.ps1
#>

BeforeDiscovery {
    $repo = Split-Path -Parent $PSScriptRoot
    $script:ExportedCmdlets = (Import-PowerShellDataFile (Join-Path $repo 'BatchWords.psd1')).CmdletsToExport
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:ModuleDir = Split-Path -Parent $Manifest
    $script:SourceManifest = Import-PowerShellDataFile (Join-Path (Split-Path -Parent $PSScriptRoot) 'BatchWords.psd1')
    # Never the developer's ~/.batchwords: the load-context test's child process starts (and stops) Azurite here.
    $script:TestHome = Use-TestHome
    Import-Module $Manifest -Force -WarningVariable script:ImportWarnings -WarningAction SilentlyContinue
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'The BatchWords manifest' {
    It 'passes Test-ModuleManifest' {
        $module = Test-ModuleManifest -Path $Manifest -ErrorAction Stop
        $module.Name | Should -Be 'BatchWords'
        $module.Version | Should -Be ([version] $SourceManifest.ModuleVersion)
        $module.RootModule | Should -Be 'BatchWords.PowerShell.dll'
    }

    It 'imports as a binary module exporting exactly the manifest cmdlets' {
        $module = Get-Module BatchWords
        $module.ModuleType | Should -Be 'Binary'
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($SourceManifest.CmdletsToExport | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
    }

    It 'gives no unapproved-verb warnings on import' {
        $ImportWarnings.Count | Should -Be 0
    }

    It 'keeps only the cmdlet assembly at the root and Core with the Azure SDK in dependencies/' {
        @(Get-ChildItem $ModuleDir -Filter *.dll).Name | Should -Be @('BatchWords.PowerShell.dll')
        Join-Path $ModuleDir 'dependencies/BatchWords.Core.dll' | Should -Exist
        ([Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleDir 'dependencies/Azure.Core.dll'))).Version | Should -Be ([version] '1.60.0.0')
        Get-ChildItem $ModuleDir -Recurse -Filter System.Management.Automation.dll | Should -BeNullOrEmpty
    }

    It 'exposes no Azure SDK type from the cmdlet assembly' {
        $assembly = (Get-Command Connect-BwAccount).ImplementingType.Assembly
        $assembly.GetReferencedAssemblies().Name | Where-Object { $_ -like 'Azure*' } | Should -BeNullOrEmpty
        $exposed = foreach ($type in $assembly.GetExportedTypes()) {
            foreach ($property in $type.GetProperties()) {
                if ($property.PropertyType.Assembly.GetName().Name -like 'Azure*') { "$($type.FullName).$($property.Name)" }
            }
        }
        $exposed | Should -BeNullOrEmpty
    }
}

Describe 'Exported cmdlet <_>' -ForEach $ExportedCmdlets {
    BeforeAll {
        $script:Command = Get-Command $_
        $script:Help = Get-Help $_ -Full
    }

    It 'declares an OutputType that resolves' {
        $Command.OutputType | Should -Not -BeNullOrEmpty
        $Command.OutputType.Type | Should -Not -Contain $null
    }

    It 'has a written synopsis' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -BeLike "$($Command.Name)*"
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($name in $Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described = $Help.parameters.parameter | Where-Object name -EQ $name
            ($described.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has at least two examples' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Loading next to an older Azure.Core (as Az.Accounts does)' {
    BeforeAll {
        $script:OldAzureCore = Get-TestOldAzureCore
    }

    It 'imports and works against Azurite with Azure.Core 1.53 loaded first; 1.60 lives in the module''s own load context' {
        # A fresh process: the only place whose default load context has no Azure.Core yet. It uses the
        # suite's BATCHWORDS_HOME and stops the Azurite it starts.
        $script = Join-Path $TestDrive 'next-to-old-azure-core.ps1'
        Set-Content -Path $script -Value @'
param($OldAzureCore, $Manifest, $Container)
$ErrorActionPreference = 'Stop'
$null = [Reflection.Assembly]::LoadFrom($OldAzureCore)
Import-Module $Manifest
try {
    $null = Connect-BwAccount
    (New-BwContainer -Name $Container).Status.ToString()
    foreach ($alc in [Runtime.Loader.AssemblyLoadContext]::All) {
        foreach ($assembly in $alc.Assemblies) {
            if ($assembly.GetName().Name -eq 'Azure.Core') { '{0}|{1}' -f $alc.Name, $assembly.GetName().Version }
        }
    }
    Remove-BwContainer -Name $Container -Force
}
finally { $null = Disconnect-BwAccount -StopLocalServices -Confirm:$false }
'@
        $container = 'nexttoaz-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        $lines = Invoke-TestPwsh -File $script -ArgumentList '-OldAzureCore', $OldAzureCore, '-Manifest', $Manifest, '-Container', $container
        $LASTEXITCODE | Should -Be 0
        $lines | Should -Contain 'Created'
        $lines | Should -Contain 'Default|1.53.0.0'
        $lines | Should -Contain 'BatchWords.Dependencies|1.60.0.0'
    }
}
