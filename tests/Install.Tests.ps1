#Requires -Version 7.4
<#
    Pester 5 suite: the module as a user gets it. The package the Package task publishes (out/repository, or
    BATCHWORDS_TEST_REPOSITORY) and its metadata; help that opens online; the error a user without Azurite gets;
    and, tagged Integration, the whole path of a new user: Install-PSResource from the repository into a module
    folder of the test's own, then, in a folder outside the repository, Import-Module BatchWords,
    Install-BwLocalStack and Invoke-BwTutorial on the local default, with no dotnet on the services' PATH.

        ./build.ps1 -Task Package
        Invoke-Pester ./tests/Install.Tests.ps1

    Every child pwsh is started by full path with an environment of the test's own (XDG_DATA_HOME, so that
    PSResourceGet's repository list and the CurrentUser module folder are the test's; PSModulePath; PATH;
    BATCHWORDS_HOME): the developer's registered repositories, installed modules and ~/.batchwords are not touched.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Repo = Split-Path -Parent $PSScriptRoot
    $script:Manifest = Get-TestModuleManifest
    $script:ModuleDir = Split-Path -Parent $Manifest
    $script:SourceManifest = Import-PowerShellDataFile (Join-Path $Repo 'BatchWords.psd1')
    $script:Version = $SourceManifest.ModuleVersion
    $script:Repository = if ($env:BATCHWORDS_TEST_REPOSITORY) { $env:BATCHWORDS_TEST_REPOSITORY } else { Join-Path (Split-Path $ModuleDir) 'repository' }
    $script:Package = Join-Path $Repository "BatchWords.$Version.nupkg"
    if (-not (Test-Path $Package)) { throw "The package is missing ($Package): run ./build.ps1 -Task Package first." }

    function Invoke-IsolatedPwsh {
        # Runs a script in a child pwsh started by full path, in $WorkingDirectory, with $Environment applied on
        # top of this process's (a $null value removes the variable); returns its output lines (stderr merged).
        param([string] $Script, [hashtable] $Environment = @{}, [string] $WorkingDirectory = [IO.Path]::GetTempPath(),
            [int] $TimeoutSeconds = 600)
        $pwsh = @(Get-TestPwsh)
        $file = Join-Path $TestDrive "$(New-TestId 'child').ps1"
        Set-Content -LiteralPath $file -Value $Script
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $info.ArgumentList.Add($argument) }
        $info.Environment['NO_COLOR'] = '1'
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { $null = $info.Environment.Remove($name) } else { $info.Environment[$name] = $Environment[$name] }
        }
        $info.WorkingDirectory = $WorkingDirectory
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSeconds s: $($stdout.Result)$($stderr.Result)"
        }
        $process.WaitForExit()
        $script:ChildExitCode = $process.ExitCode
        # Without terminal colour codes, which would also make the test report's XML invalid when quoted in a failure.
        @($stdout.Result -split "`r?`n") + @($stderr.Result -split "`r?`n") | Where-Object { $_ } | ForEach-Object { $_ -replace "`e\[[0-9;?]*[A-Za-z]", '' }
    }

    function New-PathWithoutDotnet([string] $Directory) {
        # This process's PATH with every folder that holds 'dotnet' replaced by a copy of it (symbolic links to
        # each of its programs) without dotnet: node, npm, sh, flock and setsid stay reachable; dotnet does not.
        $null = New-Item -ItemType Directory -Force -Path $Directory
        $folders = foreach ($folder in $env:PATH -split [IO.Path]::PathSeparator | Where-Object { $_ }) {
            if (-not (Test-Path -LiteralPath (Join-Path $folder 'dotnet'))) { $folder; continue }
            $shadow = Join-Path $Directory (New-TestId 'bin' 6)
            $null = New-Item -ItemType Directory -Path $shadow
            foreach ($entry in [IO.Directory]::EnumerateFileSystemEntries($folder)) {
                $name = [IO.Path]::GetFileName($entry)
                if ($name -ne 'dotnet') { $null = [IO.File]::CreateSymbolicLink((Join-Path $shadow $name), $entry) }
            }
            $shadow
        }
        $folders -join [IO.Path]::PathSeparator
    }
}

Describe 'The package' -Tag 'Unit' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Package)
        try {
            $script:Entries = @($zip.Entries.FullName)
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -EQ 'BatchWords.nuspec').Open())
            try { $script:Nuspec = [xml] $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    It 'is BatchWords.<version>.nupkg, published by Publish-PSResource with the module version' {
        $Nuspec.package.metadata.id | Should -Be 'BatchWords'
        $Nuspec.package.metadata.version | Should -Be $Version
    }

    It 'carries release notes, the project and licence URIs and tags from the manifest' {
        $psData = $SourceManifest.PrivateData.PSData
        $Nuspec.package.metadata.projectUrl | Should -Be $psData.ProjectUri
        $Nuspec.package.metadata.licenseUrl | Should -Be $psData.LicenseUri
        $Nuspec.package.metadata.releaseNotes | Should -BeLike "$Version*Install-BwLocalStack*"
        foreach ($tag in $psData.Tags) { $Nuspec.package.metadata.tags -split ' ' | Should -Contain $tag }
    }

    It 'holds the self-contained emulator, the worker and the lockfile Install-BwLocalStack installs from' {
        $Entries | Should -Contain 'emulator/BatchWords.Emulator'
        $Entries | Should -Contain 'emulator/libcoreclr.so' -Because 'the runtime ships with it: no dotnet needed'
        $Entries | Should -Contain 'payload/linux-x64/batchwords-worker'
        $Entries | Should -Contain 'localstack/package.json'
        $Entries | Should -Contain 'localstack/package-lock.json'
    }
}

Describe 'Help online' -Tag 'Unit' {
    BeforeAll {
        Import-Module $Manifest -Force
        # GitHub's anchors for the README's headings: lower case, punctuation dropped, spaces as '-'.
        $script:Anchors = @(Get-Content (Join-Path $Repo 'README.md') | Where-Object { $_ -match '^#{1,6} ' } |
                ForEach-Object { (($_ -replace '^#+ ', '').ToLowerInvariant() -replace '[^a-z0-9 _-]', '') -replace ' ', '-' })
    }
    AfterAll { Remove-Module BatchWords -ErrorAction SilentlyContinue }

    It 'every cmdlet has a HelpUri: a section of the README at the project URI' {
        foreach ($command in Get-Command -Module BatchWords) {
            $uri = [Uri] $command.HelpUri
            "$($uri.GetLeftPart('Path'))" | Should -Be $SourceManifest.PrivateData.PSData.ProjectUri -Because $command.Name
            $Anchors | Should -Contain $uri.Fragment.TrimStart('#') -Because "$($command.Name)'s HelpUri $uri"
        }
    }

    It 'Get-Help Invoke-BwTutorial -Online opens its URI (a fake xdg-open records it instead of a browser)' {
        $bin = Join-Path $TestDrive 'fake-browser'
        $opened = Join-Path $bin 'opened.txt'
        $null = New-Item -ItemType Directory -Force -Path $bin
        Set-Content -LiteralPath (Join-Path $bin 'xdg-open') -Value "#!/bin/sh`necho `"`$1`" >> '$opened'"
        chmod 755 (Join-Path $bin 'xdg-open')

        $output = Invoke-IsolatedPwsh -Environment @{ PATH = "$bin$([IO.Path]::PathSeparator)$env:PATH" } -Script @"
Import-Module '$Manifest'
Get-Help Invoke-BwTutorial -Online -ErrorAction Stop
'done'
"@
        $output | Should -Contain 'done'
        Wait-Until { Test-Path $opened } 'xdg-open to be called' 10
        Get-Content $opened | Should -Be (Get-Command Invoke-BwTutorial).HelpUri
    }
}

Describe 'A module copy without Azurite' -Tag 'Unit' {
    BeforeAll {
        # A copy of the built module outside the repository (so no node_modules lies above it), a home without
        # Azurite, an npm global root without it, and no azurite-blob on PATH.
        $script:Outside = Join-Path $TestDrive 'modules/BatchWords'
        $null = New-Item -ItemType Directory -Force -Path (Split-Path $Outside)
        Copy-Item $ModuleDir $Outside -Recurse
        $script:EmptyHome = Join-Path $TestDrive 'home'
        $script:NpmPrefix = Join-Path $TestDrive 'npm-prefix'
        $null = New-Item -ItemType Directory -Force -Path $EmptyHome, $NpmPrefix
        $script:Environment = @{ BATCHWORDS_HOME = $EmptyHome; BATCHWORDS_AZURITE = $null; NPM_CONFIG_PREFIX = $NpmPrefix; BATCHWORDS_EMULATOR = $null }
    }

    It 'the first local call fails with AzuriteNotFound (NotInstalled), saying where it looked and the command that fixes it' {
        $output = Invoke-IsolatedPwsh -Environment $Environment -Script @"
Import-Module '$(Join-Path $Outside 'BatchWords.psd1')'
try { Invoke-BwTutorial -Confirm:`$false -ErrorAction Stop; 'no error' }
catch {
    'id=' + `$_.FullyQualifiedErrorId
    'category=' + `$_.CategoryInfo.Category
    'target=' + `$_.TargetObject
    'message=' + `$_.Exception.Message
    'action=' + `$_.ErrorDetails.RecommendedAction
    'stack=' + [bool] (`$_.Exception.Message -match '\bat [\w.]+\(')
}
"@
        $text = $output -join "`n"
        $output | Should -Contain 'id=AzuriteNotFound,BatchWords.PowerShell.InvokeBwTutorialCommand' -Because $text
        $output | Should -Contain 'category=NotInstalled'
        $output | Should -Contain "target=$(Join-Path $EmptyHome 'azurite/node_modules/azurite/dist/src/blob/main.js')"
        $message = ($output | Where-Object { $_ -like 'message=*' })
        $message | Should -BeLike '*BATCHWORDS_AZURITE (not set)*'
        # Matched by their ends: the error's secret scrubber masks GUID-like folder names such as TestDrive's.
        $message | Should -BeLike "*/home/azurite/node_modules/azurite/dist/src/blob/main.js (Install-BwLocalStack's copy under BATCHWORDS_HOME)*"
        $message | Should -BeLike '*/npm-prefix/lib/node_modules/azurite/dist/src/blob/main.js (npm root -g)*'
        $message | Should -BeLike '*azurite-blob on PATH*'
        $message | Should -BeLike "*/modules/BatchWords/dependencies' and the folders above it*"
        $output | Should -Contain "action=Run 'Install-BwLocalStack' (it needs Node.js 20 or later with npm) to install the pinned Azurite under BATCHWORDS_HOME, or set BATCHWORDS_AZURITE to an Azurite blob main.js."
        $output | Should -Contain 'stack=False'
        Join-Path $EmptyHome 'local/batch-emulator-data' | Should -Not -Exist -Because 'nothing is started when a program is missing'
    }

    It 'Install-BwLocalStack -WhatIf says what it would do and installs nothing' {
        $output = Invoke-IsolatedPwsh -Environment $Environment -Script @"
Import-Module '$(Join-Path $Outside 'BatchWords.psd1')'
Install-BwLocalStack -WhatIf | ForEach-Object { 'status=' + `$_.Status }
"@
        $text = $output -join "`n"
        $text | Should -BeLike "*What if: Performing the operation `"Install Azurite 3.37.0 with npm ci`" on target `"$(Join-Path $EmptyHome 'azurite')`"*"
        $output | Should -Contain 'status=NotInstalled'
        Join-Path $EmptyHome 'azurite' | Should -Not -Exist
    }

    It 'Install-BwLocalStack without Node.js says it needs Node.js 20 and npm' {
        $output = Invoke-IsolatedPwsh -Environment ($Environment + @{ PATH = (Join-Path $TestDrive 'no-programs') }) -Script @"
Import-Module '$(Join-Path $Outside 'BatchWords.psd1')'
try { Install-BwLocalStack -ErrorAction Stop } catch { 'id=' + `$_.FullyQualifiedErrorId; 'category=' + `$_.CategoryInfo.Category; 'message=' + `$_.Exception.Message }
"@
        $output | Should -Contain 'id=NodeJsNotFound,BatchWords.PowerShell.InstallBwLocalStackCommand' -Because ($output -join "`n")
        $output | Should -Contain 'category=NotInstalled'
        ($output | Where-Object { $_ -like 'message=*' }) | Should -BeLike '*Node.js 20 or later with npm*'
    }
}

Describe 'Installed from the package by a new user' -Tag 'Integration', 'Slow' {
    BeforeAll {
        # Everything under one folder outside the repository: PSResourceGet's settings (XDG_DATA_HOME) and its
        # CurrentUser module folder (which it puts under HOME, whatever XDG_DATA_HOME says), BATCHWORDS_HOME, the
        # working folder, the PATH without dotnet.
        $script:Work = Join-Path ([IO.Path]::GetTempPath()) (New-TestId 'bw-install' 8)
        $script:Xdg = Join-Path $Work 'xdg'
        $script:InstallHome = Join-Path $Work 'user'
        $script:UserHome = Join-Path $Work 'batchwords-home'
        $script:Folder = Join-Path $Work 'somewhere'
        $null = New-Item -ItemType Directory -Force -Path $Xdg, $InstallHome, $UserHome, $Folder
        $script:Modules = Join-Path $InstallHome '.local/share/powershell/Modules'

        $install = Invoke-IsolatedPwsh -WorkingDirectory $Folder -Environment @{ XDG_DATA_HOME = $Xdg; HOME = $InstallHome } -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name BatchWordsTest -Uri '$Repository' -Trusted
Install-PSResource BatchWords -Repository BatchWordsTest -Scope CurrentUser -TrustRepository
'installed=' + (Get-InstalledPSResource BatchWords -Scope CurrentUser).InstalledLocation
"@
        $script:InstallOutput = $install

        $script:Environment = @{
            XDG_DATA_HOME = $Xdg; PSModulePath = $Modules; BATCHWORDS_HOME = $UserHome
            PATH = New-PathWithoutDotnet (Join-Path $Work 'path'); DOTNET_ROOT = $null; DOTNET_HOST_PATH = $null
            BATCHWORDS_AZURITE = $null; BATCHWORDS_EMULATOR = $null; BATCHWORDS_MODULE_PATH = $null
        }
        $script:Run = Invoke-IsolatedPwsh -WorkingDirectory $Folder -Environment $Environment -TimeoutSeconds 900 -Script @'
$ErrorActionPreference = 'Stop'
Import-Module BatchWords
'module=' + (Get-Module BatchWords).ModuleBase
'dotnet=' + [bool] (Get-Command dotnet -ErrorAction Ignore)
'install1=' + (Install-BwLocalStack -Confirm:$false).Status
$stamp = (Get-Item -Force (Join-Path $env:BATCHWORDS_HOME 'azurite/node_modules/.package-lock.json')).LastWriteTimeUtc.Ticks
'install2=' + (Install-BwLocalStack).Status
'unchanged=' + ($stamp -eq (Get-Item -Force (Join-Path $env:BATCHWORDS_HOME 'azurite/node_modules/.package-lock.json')).LastWriteTimeUtc.Ticks)
try {
    Invoke-BwTutorial -Confirm:$false | ForEach-Object { 'result={0}|{1}|{2}' -f [IO.Path]::GetFileName($_.Input), $_.Succeeded, ($_.TopWords -join ', ') }
    $emulator = (Get-Content (Join-Path $env:BATCHWORDS_HOME 'local/batch-emulator.json') -Raw | ConvertFrom-Json).ProcessId
    'emulator-program=' + ((Get-Content "/proc/$emulator/cmdline" -Raw) -split "`0")[0]
    $environ = (Get-Content "/proc/$emulator/environ" -Raw) -split "`0"
    'emulator-path=' + (($environ | Where-Object { $_ -like 'PATH=*' }) -replace '^PATH=')
    'emulator-dotnet-root=' + [bool] ($environ | Where-Object { $_ -like 'DOTNET_ROOT=*' })
}
finally { $null = Disconnect-BwAccount -StopLocalServices -Confirm:$false }
'@
        $script:Lines = @{}
        foreach ($line in $Run) { if ($line -match '^([\w-]+)=(.*)$') { $Lines[$Matches[1]] = @($Lines[$Matches[1]]) + $Matches[2] | Where-Object { $null -ne $_ } } }
        $script:Text = ($InstallOutput + $Run) -join "`n"
    }
    AfterAll {
        if ($Work -and (Test-Path $Work)) { Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'Install-PSResource installs it from the repository into the isolated module folder, and Import-Module BatchWords finds that copy' {
        $InstallOutput | Should -Contain "installed=$Modules" -Because $Text
        $Lines['module'] | Should -Be (Join-Path $Modules "BatchWords/$Version") -Because $Text
    }

    It 'Install-BwLocalStack installs Azurite under BATCHWORDS_HOME, and running it again changes nothing' {
        $Lines['install1'] | Should -Be 'Installed' -Because $Text
        $Lines['install2'] | Should -Be 'AlreadyInstalled'
        $Lines['unchanged'] | Should -Be 'True'
        Join-Path $UserHome 'azurite/node_modules/azurite/dist/src/blob/main.js' | Should -Exist
    }

    It 'Invoke-BwTutorial runs on the local default from a folder outside the repository and prints the three results' {
        $Lines['dotnet'] | Should -Be 'False' -Because 'dotnet is not on the PATH the services are started with'
        $results = @($Lines['result'])
        $results.Count | Should -Be 3 -Because $Text
        $results | Should -Contain 'bread.txt|True|the 20, it 8, baker 6'
        $results | Should -Contain 'lighthouses.txt|True|the 20, and 5, light 5'
        $results | Should -Contain 'rivers.txt|True|the 17, a 10, and 7'
    }

    It 'the emulator ran as the installed self-contained executable, without dotnet on its PATH or DOTNET_ROOT' {
        $Lines['emulator-program'] | Should -Be (Join-Path $Modules "BatchWords/$Version/emulator/BatchWords.Emulator") -Because $Text
        foreach ($folder in $Lines['emulator-path'] -split [IO.Path]::PathSeparator) {
            Join-Path $folder 'dotnet' | Should -Not -Exist
        }
        $Lines['emulator-dotnet-root'] | Should -Be 'False'
    }
}
