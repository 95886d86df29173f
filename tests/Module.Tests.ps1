#Requires -Version 7.4
<#
    Pester 5 suite: the built module as PowerShell sees it (manifest, exports, verbs, output types, layout, what
    its types expose, help, the scripts we ship parsing) and loading next to an older Azure.Core, as Az.Accounts
    loads one.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Module.Tests.ps1

    Only the load-context Describe needs the local stack: it starts it under the suite's own BATCHWORDS_HOME,
    and a fresh child pwsh reuses it.
#>

BeforeDiscovery {
    $repo = Split-Path -Parent $PSScriptRoot
    $script:ExportedCmdlets = (Import-PowerShellDataFile (Join-Path $repo 'BatchWords.psd1')).CmdletsToExport
    # The scripts we ship or run by hand (only some run in CI): they must at least parse.
    $script:ShippedScripts = @(
        Get-ChildItem (Join-Path $repo 'BatchWords.PowerShell') -Recurse -Filter *.ps1 |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
        Get-ChildItem (Join-Path $repo 'bench') -Filter *.ps1
        Get-Item (Join-Path $repo 'build.ps1')
    ) | ForEach-Object { @{ Path = $_.FullName; Name = [IO.Path]::GetRelativePath($repo, $_.FullName) } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Manifest = Get-TestModuleManifest
    $script:ModuleDir = Split-Path -Parent $Manifest
    $script:SourceManifest = Import-PowerShellDataFile (Join-Path (Split-Path -Parent $PSScriptRoot) 'BatchWords.psd1')
    # Never the developer's ~/.batchwords: the load-context Describe starts (and the AfterAll stops) the stack here.
    $script:TestHome = Use-TestHome 'module'
    Import-Module $Manifest -Force -WarningVariable script:ImportWarnings -WarningAction SilentlyContinue

    function Get-SignatureType([type] $Type) {
        # Every type a public surface mentions: base type, interfaces, fields, properties, events, method and
        # constructor signatures, with arrays, by-refs and generic arguments unwrapped.
        $visible = [Reflection.BindingFlags]'Public, Instance, Static, DeclaredOnly'
        $direct = [Collections.Generic.List[type]]::new()
        if ($Type.BaseType) { $direct.Add($Type.BaseType) }
        foreach ($t in $Type.GetInterfaces()) { $direct.Add($t) }
        foreach ($f in $Type.GetFields($visible)) { $direct.Add($f.FieldType) }
        foreach ($p in $Type.GetProperties($visible)) { $direct.Add($p.PropertyType) }
        foreach ($e in $Type.GetEvents($visible)) { $direct.Add($e.EventHandlerType) }
        foreach ($m in @($Type.GetMethods($visible)) + @($Type.GetConstructors($visible))) {
            if ($m -is [Reflection.MethodInfo]) { $direct.Add($m.ReturnType) }
            foreach ($parameter in $m.GetParameters()) { $direct.Add($parameter.ParameterType) }
        }
        foreach ($t in $direct) { Get-UnwrappedType $t }
    }

    function Get-UnwrappedType([type] $Type) {
        if ($Type.HasElementType) { return Get-UnwrappedType $Type.GetElementType() }
        if ($Type.IsGenericParameter) { return }
        if ($Type.IsGenericType) {
            $Type.GetGenericTypeDefinition()
            foreach ($argument in $Type.GetGenericArguments()) { Get-UnwrappedType $argument }
            return
        }
        $Type
    }
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'The BatchWords manifest' -Tag 'Unit' {
    It 'passes Test-ModuleManifest' {
        $module = Test-ModuleManifest -Path $Manifest -ErrorAction Stop
        $module.Name | Should -Be 'BatchWords'
        $module.Version | Should -Be ([version] $SourceManifest.ModuleVersion)
        $module.Version | Should -Be ([version] '0.1.0')
        $module.RootModule | Should -Be 'BatchWords.PowerShell.dll'
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($SourceManifest.CmdletsToExport | Sort-Object)
        $module.CompatiblePSEditions | Should -Contain 'Core'
    }

    It 'would fail Test-ModuleManifest for a manifest naming a missing format file' {
        # The check above can fail: a copy of the built module whose manifest names a format file that is not there.
        $copy = Join-Path $TestDrive 'broken-manifest'
        $null = New-Item -ItemType Directory -Path $copy
        Get-ChildItem $ModuleDir -File | Copy-Item -Destination $copy
        $copied = Join-Path $copy 'BatchWords.psd1'
        Test-ModuleManifest -Path $copied -ErrorAction Stop | Should -Not -BeNullOrEmpty   # the intact copy passes
        $text = (Get-Content -LiteralPath $copied -Raw).Replace("'BatchWords.Format.ps1xml'", "'Missing.Format.ps1xml'")
        Set-Content -LiteralPath $copied -Value $text -NoNewline

        $record = $null
        try { $null = Test-ModuleManifest -Path $copied -ErrorAction Stop } catch { $record = $_ }

        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'Modules_InvalidManifest,*'
        $record.Exception.Message | Should -BeLike '*Missing.Format.ps1xml*'
    }

    It 'imports as a binary module exporting exactly the manifest cmdlets' {
        $module = Get-Module BatchWords
        $module.ModuleType | Should -Be 'Binary'
        $module.ModuleBase | Should -Be $ModuleDir
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($SourceManifest.CmdletsToExport | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        @((Get-Command -Module BatchWords).Name | Sort-Object) | Should -Be @($SourceManifest.CmdletsToExport | Sort-Object)
    }

    It 'gives no unapproved-verb warnings on import (and the check catches one)' {
        $ImportWarnings.Count | Should -Be 0
        try {
            New-Module -Name BwVerbControl -ScriptBlock { function Fetch-Thing { } } |
                Import-Module -WarningVariable control -WarningAction SilentlyContinue
            $control.Count | Should -Be 1
        }
        finally { Remove-Module BwVerbControl -ErrorAction SilentlyContinue }
    }

    It 'keeps only the cmdlet assembly at the root and Core with the Azure SDK in dependencies/' {
        @(Get-ChildItem $ModuleDir -Filter *.dll).Name | Should -Be @('BatchWords.PowerShell.dll')
        Join-Path $ModuleDir 'dependencies/BatchWords.Core.dll' | Should -Exist
        Join-Path $ModuleDir 'dependencies/Azure.Storage.Blobs.dll' | Should -Exist
        ([Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleDir 'dependencies/Azure.Core.dll'))).Version | Should -Be ([version] '1.60.0.0')
        # The engine is the host's: a copied reference System.Management.Automation.dll would shadow it.
        Get-ChildItem $ModuleDir -Recurse -Filter System.Management.Automation.dll | Should -BeNullOrEmpty
        Join-Path $ModuleDir 'en-US/BatchWords.PowerShell.dll-Help.xml' | Should -Exist
        Join-Path $ModuleDir 'BatchWords.Format.ps1xml' | Should -Exist
    }

    It 'exposes no Azure SDK type from the cmdlet assembly or the output types, and does not reference the Azure SDK' {
        $assembly = (Get-Command Connect-BwAccount).ImplementingType.Assembly
        $outputTypes = @((Get-Command -Module BatchWords).OutputType.Type | Sort-Object FullName -Unique)
        $assembly.GetReferencedAssemblies().Name | Where-Object { $_ -like 'Azure*' } | Should -BeNullOrEmpty

        $exposed = foreach ($owner in @($assembly.GetExportedTypes()) + $outputTypes) {
            foreach ($type in Get-SignatureType $owner) {
                if ($type.Assembly.GetName().Name -like 'Azure*') { "$($owner.FullName) exposes $($type.FullName)" }
            }
        }

        $exposed | Should -BeNullOrEmpty
        # The walk saw Core's output types, and it does find a type named only inside a signature's generic argument.
        $outputTypes.FullName | Should -Contain 'BatchWords.BwInputFile'
        @(Get-SignatureType ([Collections.Generic.List[Collections.Generic.KeyValuePair[string, uri]]])) | Should -Contain ([uri])
    }

    It 'loads Core and the Azure SDK into the module''s own load context, the engine staying in Default' {
        # An Azure context needs Core and the Azure SDK but sends no request.
        $key = ConvertTo-SecureString ([Convert]::ToBase64String([byte[]]::new(32))) -AsPlainText -Force
        $context = Connect-BwAccount -StorageAccountName layout -StorageAccountKey $key

        $core = $context.GetType().Assembly
        $alc = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core)
        $alc.Name | Should -Be 'BatchWords.Dependencies'
        $core.Location | Should -Be (Join-Path $ModuleDir 'dependencies/BatchWords.Core.dll')
        $azureCore = @($alc.Assemblies | Where-Object { $_.GetName().Name -eq 'Azure.Core' })
        $azureCore.Count | Should -Be 1
        $azureCore[0].Location | Should -Be (Join-Path $ModuleDir 'dependencies/Azure.Core.dll')
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext([psobject].Assembly).Name | Should -Be 'Default'
    }
}

Describe 'Exported cmdlet <_>' -Tag 'Unit' -ForEach $ExportedCmdlets {
    BeforeAll {
        $script:Command = Get-Command $_
        $script:Help = Get-Help $_ -Full
    }

    It 'declares an OutputType that resolves' {
        $Command.OutputType | Should -Not -BeNullOrEmpty
        foreach ($outputType in $Command.OutputType) { $outputType.Type | Should -Not -BeNullOrEmpty -Because "[OutputType('$($outputType.Name)')] must resolve" }
    }

    It 'has help from the MAML with a written synopsis' {
        # Without MAML the engine makes up a synopsis from the syntax ("Connect-BwAccount [-Local] ...").
        $Help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        $Help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -BeLike "$($Command.Name)*"
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($name in $Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described = $Help.parameters.parameter | Where-Object name -EQ $name
            ($described.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs code"
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs a paragraph that explains it"
        }
    }

    It 'marks exactly the parameters that take wildcards as globbing' {
        foreach ($name in @($Command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters })) {
            $supports = [bool]$Command.Parameters[$name].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
            (Get-Help $Command.Name -Parameter $name).globbing | Should -Be $supports.ToString().ToLowerInvariant() -Because "-$name"
        }
    }
}

Describe 'Help shows the real defaults and wildcards' -Tag 'Unit' {
    It '<Command> -<Parameter>: default <Default>, globbing <Globbing>' -ForEach @(
        @{ Command = 'Wait-BwTask'; Parameter = 'Timeout'; Default = '20 minutes (00:20:00)'; Globbing = 'false' }
        @{ Command = 'Invoke-BwTutorial'; Parameter = 'Timeout'; Default = '00:20:00'; Globbing = 'false' }
        @{ Command = 'New-BwPool'; Parameter = 'NodeCount'; Default = '1'; Globbing = 'false' }
        @{ Command = 'New-BwPool'; Parameter = 'VmSize'; Default = 'standard_d2s_v3'; Globbing = 'false' }
        @{ Command = 'New-BwPool'; Parameter = 'Program'; Default = 'The bundled worker'; Globbing = 'false' }
        @{ Command = 'Publish-BwInput'; Parameter = 'SasExpiry'; Default = '02:00:00'; Globbing = 'false' }
        @{ Command = 'Publish-BwInput'; Parameter = 'Path'; Default = 'None'; Globbing = 'true' }
        @{ Command = 'Publish-BwInput'; Parameter = 'LiteralPath'; Default = 'None'; Globbing = 'false' }
        @{ Command = 'Invoke-BwTutorial'; Parameter = 'Path'; Default = 'The sample texts shipped with the module'; Globbing = 'true' }
        @{ Command = 'Start-BwJob'; Parameter = 'MaxTaskRetryCount'; Default = '0'; Globbing = 'false' }
        @{ Command = 'Get-BwPool'; Parameter = 'Id'; Default = 'Every pool'; Globbing = 'true' }
        @{ Command = 'Remove-BwPool'; Parameter = 'Id'; Default = 'None'; Globbing = 'false' }
        @{ Command = 'Get-BwTask'; Parameter = 'Context'; Default = "The piped object's context, else the session's current one (Connect-BwAccount), else the Local backend"; Globbing = 'false' }
        @{ Command = 'Remove-BwJob'; Parameter = 'Force'; Default = 'False'; Globbing = 'false' }
    ) {
        $help = Get-Help $Command -Parameter $Parameter
        $help.defaultValue | Should -Be $Default
        $help.globbing | Should -Be $Globbing
    }
}

Describe 'The help builder' -Tag 'Unit' {
    BeforeAll {
        . (Join-Path (Split-Path -Parent $PSScriptRoot) 'BatchWords.PowerShell/Help/HelpBuilder.ps1')
        function New-TestPage([string] $Examples, [string] $IdText = 'The pool id.') {
            $path = Join-Path $TestDrive 'Remove-BwPool.md'
            Set-Content -LiteralPath $path -Value @"
# Remove-BwPool

## SYNOPSIS
Deletes pools.

## DESCRIPTION
Deletes pools.

## EXAMPLES
$Examples

## PARAMETERS

### -Id
$IdText

### -Force
Without asking.

### -PassThru
The ids.

### -Context
The accounts.
"@
            Read-HelpMarkdown $path
        }
        $script:TwoExplained = "### Example 1: a`n``````powershell`nRemove-BwPool a`n```````n`nDeletes a.`n`n### Example 2: b`n``````powershell`nRemove-BwPool b`n```````n`nDeletes b.`n"
    }

    It 'accepts a page whose examples are explained' {
        Test-HelpPage (Get-Command Remove-BwPool) (New-TestPage $TwoExplained) | Should -BeNullOrEmpty
    }

    It 'fails the build on an example without an explanation' {
        $page = New-TestPage ($TwoExplained -replace 'Deletes b\.', '')
        Test-HelpPage (Get-Command Remove-BwPool) $page | Should -Be "Remove-BwPool: example 'Example 2: b' has no explanation (a paragraph under its code block)"
    }

    It 'fails the build when a description claims wildcards the parameter does not take' {
        $page = New-TestPage $TwoExplained 'The pool id; wildcards are allowed.'
        Test-HelpPage (Get-Command Remove-BwPool) $page | Should -Be 'Remove-BwPool: -Id is described as taking wildcards, but has no [SupportsWildcards]'
    }

    It 'fails the build when a parameter takes wildcards its description does not mention' {
        $path = Join-Path $TestDrive 'Get-BwContainer.md'
        (Get-Content -Raw (Join-Path (Split-Path -Parent $PSScriptRoot) 'BatchWords.PowerShell/Help/Get-BwContainer.md')) -replace 'Container names or wildcard patterns \(\*, \? and \[a-z\]\)', 'Container names' |
            Set-Content -LiteralPath $path
        Test-HelpPage (Get-Command Get-BwContainer) (Read-HelpMarkdown $path) | Should -Be 'Get-BwContainer: -Name has [SupportsWildcards], but its description does not say it takes wildcards'
    }
}

Describe 'Help as a user reads it' -Tag 'Unit' {
    It 'renders Get-Help -Full to the host with the synopsis, parameters and examples' {
        $run = Invoke-ScriptedHost -Script 'Get-Help Publish-BwInput -Full' -ToHost -NoConnect

        $run.Errors | Should -BeNullOrEmpty
        $run.Terminating | Should -BeNullOrEmpty
        $text = ($run.HostLines | Where-Object Kind -EQ 'Output').Text -join "`n"
        $text | Should -Match 'SYNOPSIS'
        $text | Should -Match 'Uploads input files to a container'
        $text | Should -Match '-ThrottleLimit <Int32>'
        $text | Should -Match '(?i)Example 1'
    }

    It 'finds the about_BatchWords topic' {
        $topic = Get-Help about_BatchWords | Out-String
        $topic | Should -Match 'about_BatchWords'
        $topic | Should -Match 'Connect-BwAccount'
    }
}

Describe 'The scripts we ship' -Tag 'Unit' {
    It '<Name> parses without syntax errors' -ForEach $ShippedScripts {
        $errors = $null
        $null = [Management.Automation.Language.Parser]::ParseFile($Path, [ref] $null, [ref] $errors)
        ($errors | ForEach-Object { "${Name}:$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber): $($_.Message)" }) -join "`n" |
            Should -BeNullOrEmpty
    }

    It 'the parse check reports a broken script' {
        # The check above can fail: '@(1, 2' is never closed.
        $broken = Join-Path $TestDrive 'Broken.ps1'
        Set-Content -LiteralPath $broken -Value "function f {`n    `$x = @(1, 2`n}`n"
        $errors = $null
        $null = [Management.Automation.Language.Parser]::ParseFile($broken, [ref] $null, [ref] $errors)
        $errors | Should -Not -BeNullOrEmpty
        $errors[0].ErrorId | Should -Be 'MissingEndParenthesisInSubexpression'
    }
}

Describe 'Loading next to an older Azure.Core (as Az.Accounts does)' -Tag 'Integration', 'Slow' {
    BeforeAll {
        $script:OldAzureCore = Get-TestOldAzureCore
        # Start the local stack here; the child process (same BATCHWORDS_HOME) reuses it.
        $null = Connect-BwAccount
        $script:TutorialData = Get-TestTutorialData
    }

    It 'imports and works against Azurite with Azure.Core 1.53 loaded first; 1.60 lives in the module''s own load context' {
        # A fresh process: the only place whose default load context has no Azure.Core yet.
        $script = Join-Path $TestDrive 'next-to-old-azure-core.ps1'
        Set-Content -Path $script -Value @'
param($OldAzureCore, $Manifest, $Container, $Data, $Destination)
$ErrorActionPreference = 'Stop'
$old = [Reflection.Assembly]::LoadFrom($OldAzureCore)
"loaded-first|$($old.GetName().Version)"
Import-Module $Manifest
$null = Connect-BwAccount
"container|$((New-BwContainer -Name $Container).Status)"
"published|$(@(Get-ChildItem $Data -Filter *.txt | Publish-BwInput -Container $Container).Count)"
"received|$(@(Receive-BwOutput -Container $Container -Destination $Destination).Count)"
Remove-BwContainer -Name $Container -Force
foreach ($alc in [Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $alc.Assemblies) {
        $name = $assembly.GetName()
        if ($name.Name -in 'Azure.Core', 'Azure.Storage.Blobs', 'BatchWords.Core', 'BatchWords.PowerShell') {
            "alc|$($alc.Name)|$($name.Name)|$($name.Version)"
        }
    }
}
# The conflict is real in this process: loading 1.60 into the default context (a flat module) fails.
try { $null = [Reflection.Assembly]::LoadFrom([IO.Path]::Combine([IO.Path]::GetDirectoryName($Manifest), 'dependencies', 'Azure.Core.dll')); 'flat|loaded' }
catch { "flat|$($_.Exception.InnerException.GetType().FullName)" }
'@
        $container = New-TestId 'nexttoaz' 16
        $destination = Join-Path $TestDrive 'received'
        try {
            $lines = Invoke-TestPwsh -File $script -ArgumentList '-OldAzureCore', $OldAzureCore, '-Manifest', $Manifest, '-Container', $container,
                '-Data', $TutorialData, '-Destination', $destination
            $exit = $LASTEXITCODE

            $exit | Should -Be 0 -Because ($lines -join "`n")
            $lines | Should -Contain 'loaded-first|1.53.0.0'
            $lines | Should -Contain 'container|Created'
            $lines | Should -Contain 'published|3'
            $lines | Should -Contain 'received|3'
            foreach ($file in Get-ChildItem $TutorialData -Filter *.txt) {
                (Get-FileHash (Join-Path $destination $file.Name)).Hash | Should -Be (Get-FileHash $file.FullName).Hash
            }
            # The old Azure.Core stays where it was loaded; ours (1.60) and everything it needs live in the module's context.
            $contexts = @($lines | Where-Object { $_ -like 'alc|*' })
            $contexts | Should -Contain 'alc|Default|Azure.Core|1.53.0.0'
            $contexts | Should -Contain 'alc|BatchWords.Dependencies|Azure.Core|1.60.0.0'
            $contexts | Should -Contain 'alc|BatchWords.Dependencies|Azure.Storage.Blobs|12.30.1.0'
            @($contexts | Where-Object { $_ -like 'alc|BatchWords.Dependencies|BatchWords.Core|*' }).Count | Should -Be 1
            @($contexts | Where-Object { $_ -like 'alc|Default|BatchWords.PowerShell|*' }).Count | Should -Be 1
            @($contexts | Where-Object { $_ -like 'alc|Default|Azure.Core|*' }).Count | Should -Be 1
            $lines | Should -Contain 'flat|System.IO.FileLoadException'
            # The child removed its container: this session (the same Azurite) finds none to remove.
            Remove-BwContainer -Name $container -Force -ErrorVariable gone -ErrorAction SilentlyContinue
            $gone[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
        finally {
            Remove-BwContainer -Name $container -Force -ErrorAction SilentlyContinue
        }
    }
}
