#Requires -Version 7.4
<#
    Pester 5 suite for machines with pwsh: the storage cmdlets against the local stack (Azurite), with the
    real Get-ChildItem, Get-Content and Test-Path. The same scenarios run in CI through the hosted engine
    (tests/BatchWords.PowerShell.Tests); CI parses this file so it cannot rot unnoticed.

        ./build.ps1 -Task Build
        Invoke-Pester ./tests/Storage.Tests.ps1

    The suite uses its own BATCHWORDS_HOME under $TestDrive and stops the Azurite it starts at the end.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:TutorialData = Get-TestTutorialData
    $script:TestHome = Use-TestHome
    Import-Module (Get-TestModuleManifest) -Force
    $script:Context = Connect-BwAccount

    function New-TestContainerName([string] $Stem) { New-TestId $Stem -Length 16 }
    function Get-Sha256([string] $Path) { (Get-FileHash -Path $Path -Algorithm SHA256).Hash }
}

AfterAll {
    Stop-TestLocalStack $TestHome
}

Describe 'Connect-BwAccount on the local stack' {
    It 'started Azurite under the suite''s BATCHWORDS_HOME' {
        $Context.Backend | Should -Be 'Local'
        $Context.StorageAccountName | Should -Be 'devstoreaccount1'
        $Context.BlobEndpoint.Host | Should -Be '127.0.0.1'
        Join-Path $env:BATCHWORDS_HOME 'local/azurite.json' | Should -Exist
    }

    It 'reuses the running Azurite on the next connect' {
        $verbose = Connect-BwAccount -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'Reusing azurite \(pid \d+\)'
        (Get-BwContext).BlobEndpoint | Should -Be $Context.BlobEndpoint
    }
}

Describe 'New-BwContainer' {
    It 'creates absent containers and reports existing ones as Existing' {
        $name = New-TestContainerName 'new'
        (New-BwContainer $name).Status | Should -Be 'Created'
        $again = New-BwContainer $name -ErrorVariable problems
        $again.Status | Should -Be 'Existing'
        $problems | Should -BeNullOrEmpty
    }

    It 'rejects an invalid name before any request, naming the value' {
        New-BwContainer 'Bad_Name' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'InvalidContainerName,BatchWords.PowerShell.NewBwContainerCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].TargetObject | Should -Be 'Bad_Name'
        $problems[0].Exception.Message | Should -BeLike "*'Bad_Name'*"
    }

    It 'creates nothing with -WhatIf' {
        $name = New-TestContainerName 'whatif'
        New-BwContainer $name -WhatIf | Should -BeNullOrEmpty
        Remove-BwContainer $name -Force -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Publish-BwInput and Receive-BwOutput' {
    BeforeAll {
        $script:Container = (New-BwContainer (New-TestContainerName 'input')).Name
    }

    It 'round-trips the tutorial files byte for byte (Get-ChildItem | Publish-BwInput, then Receive-BwOutput)' {
        $files = Get-ChildItem $TutorialData -Filter *.txt
        $published = $files | Publish-BwInput -Container $Container
        $destination = Join-Path $TestDrive 'received'
        $received = Receive-BwOutput -Container $Container -Destination $destination

        $published.Count | Should -Be $files.Count
        $published.Status | Sort-Object -Unique | Should -Be 'Uploaded'
        $received.Count | Should -Be $files.Count
        foreach ($file in $files) {
            Get-Sha256 (Join-Path $destination $file.Name) | Should -Be (Get-Sha256 $file.FullName)
        }
    }

    It 'skips identical content and refuses different content unless -Force' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'skip')
        $path = Join-Path $dir 'changing.txt'
        Set-Content -Path $path -Value 'version 1' -NoNewline
        (Publish-BwInput -Container $Container -Path $path).Status | Should -Be 'Uploaded'
        (Publish-BwInput -Container $Container -Path $path).Status | Should -Be 'Unchanged'

        Set-Content -Path $path -Value 'version 2' -NoNewline
        Publish-BwInput -Container $Container -Path $path -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BlobContentDiffers,BatchWords.PowerShell.PublishBwInputCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Publish-BwInput -Container $Container -Path $path -Force).Status | Should -Be 'Uploaded'
    }

    It 'issues a read-only SAS URL that expires after -SasExpiry' {
        $file = Get-ChildItem $TutorialData -Filter *.txt | Select-Object -First 1
        $before = [DateTimeOffset]::UtcNow
        $published = $file | Publish-BwInput -Container $Container -Prefix 'sas/' -SasExpiry (New-TimeSpan -Minutes 30)
        $published.SasExpiresOn | Should -BeGreaterThan $before.AddMinutes(29)
        $published.SasExpiresOn | Should -BeLessThan $before.AddMinutes(31)
        $query = [System.Web.HttpUtility]::ParseQueryString($published.ReadSasUri.Query)
        $query['sp'] | Should -Be 'r'
        [DateTimeOffset]::Parse($query['st']) | Should -BeLessThan $before

        $response = Invoke-WebRequest -Uri $published.ReadSasUri -UseBasicParsing
        $response.StatusCode | Should -Be 200
        { Invoke-WebRequest -Uri $published.ReadSasUri -Method Put -Body 'x' -Headers @{ 'x-ms-blob-type' = 'BlockBlob' } -UseBasicParsing } |
            Should -Throw '*403*'
    }

    It 'reports missing files and directories per file and still uploads the others' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'perfile')
        $good = New-Item -ItemType File -Path (Join-Path $dir 'good.txt') -Value 'good'
        $paths = @($good.FullName, (Join-Path $dir 'missing.txt'), (New-Item -ItemType Directory -Path (Join-Path $dir 'sub')).FullName)

        $uploaded = $paths | Publish-BwInput -Container $Container -Prefix 'perfile/' -ErrorVariable problems -ErrorAction SilentlyContinue

        $uploaded.BlobName | Should -Be 'perfile/good.txt'
        @($problems.FullyQualifiedErrorId | Sort-Object) | Should -Be @(
            'InputFileNotFound,BatchWords.PowerShell.PublishBwInputCommand',
            'InputPathIsDirectory,BatchWords.PowerShell.PublishBwInputCommand')
    }

    It 'uploads nothing with -WhatIf' {
        $name = New-TestContainerName 'whatif'
        $null = New-BwContainer $name
        Get-ChildItem $TutorialData -Filter *.txt | Publish-BwInput -Container $name -WhatIf | Should -BeNullOrEmpty
        Receive-BwOutput -Container $name -Destination (Join-Path $TestDrive 'whatif-empty') | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite local files without -Force and replaces them with it' {
        $destination = Join-Path $TestDrive 'overwrite'
        $null = Receive-BwOutput -Container $Container -Destination $destination
        $first = Get-ChildItem $destination -File | Select-Object -First 1
        Set-Content -Path $first.FullName -Value 'local edit'

        Receive-BwOutput -Container $Container -Destination $destination -ErrorVariable problems -ErrorAction SilentlyContinue | Out-Null
        $problems.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'OutputFileExists,BatchWords.PowerShell.ReceiveBwOutputCommand'
        Get-Content -Path $first.FullName | Should -Be 'local edit'

        $null = Receive-BwOutput -Container $Container -Destination $destination -Force
        Get-Content -Path $first.FullName | Should -Not -Be 'local edit'
    }

    It 'creates the destination and writes nothing with -WhatIf' {
        $destination = Join-Path $TestDrive 'never-created'
        Receive-BwOutput -Container $Container -Destination $destination -WhatIf | Should -BeNullOrEmpty
        Test-Path $destination | Should -BeFalse
    }

    It 'never shows a SAS signature in the default view or in verbose output' {
        $file = Get-ChildItem $TutorialData -Filter *.txt | Select-Object -First 1
        $all = $file | Publish-BwInput -Container $Container -Prefix 'secret/' -Verbose 4>&1
        $inputFile = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $signature = [System.Web.HttpUtility]::ParseQueryString($inputFile.ReadSasUri.Query)['sig']
        $signature | Should -Not -BeNullOrEmpty
        ($inputFile | Out-String) | Should -Not -BeLike "*$signature*"
        "$inputFile" | Should -Not -BeLike "*$signature*"
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Not -BeLike "*$signature*"
    }

    It 'never shows a SAS signature when input files follow another type in the output' {
        # Out-Default lists a type that did not start the output with its default display properties.
        $text = & {
            New-BwContainer $Container
            Get-ChildItem $TutorialData -Filter *.txt | Publish-BwInput -Container $Container -Prefix 'mixed/'
        } | Out-String
        $text | Should -BeLike '*BlobName*mixed/*'
        $text | Should -Not -BeLike '*sig=*'
        $text | Should -Not -BeLike '*ReadSasUri*'
    }

    It 'reports a -Path wildcard that matches nothing' {
        Publish-BwInput -Container $Container -Path (Join-Path $TestDrive '*.nothing') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'InputFileNotFound,BatchWords.PowerShell.PublishBwInputCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'downloads a piped container once, after every upload of the pipeline' {
        $name = New-TestContainerName 'pipe'
        $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'many')
        0..19 | ForEach-Object { Set-Content -Path (Join-Path $dir "in$_.txt") -Value "file $_" }
        $destination = Join-Path $TestDrive 'many-out'

        $null = New-BwContainer $name
        $received = Get-ChildItem $dir -File | Publish-BwInput -Container $name | Receive-BwOutput -Destination $destination

        $received.Count | Should -Be 20
        (Get-ChildItem $destination -File).Count | Should -Be 20
    }
}

Describe 'Remove-BwContainer' {
    It 'removes without asking with -Force or -Confirm:$false' {
        $a = (New-BwContainer (New-TestContainerName 'rm-force')).Name
        $b = (New-BwContainer (New-TestContainerName 'rm-confirm')).Name
        Remove-BwContainer $a -Force
        Remove-BwContainer $b -Confirm:$false
        New-BwContainer $a, $b | ForEach-Object Status | Should -Be @('Created', 'Created')
    }

    It 'removes nothing with -WhatIf' {
        $name = (New-BwContainer (New-TestContainerName 'rm-whatif')).Name
        Remove-BwContainer $name -WhatIf
        (New-BwContainer $name).Status | Should -Be 'Existing'
    }

    It 'reports a missing container as ObjectNotFound' {
        Remove-BwContainer (New-TestContainerName 'rm-missing') -Force -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'emits the removed containers with -PassThru' {
        $name = (New-BwContainer (New-TestContainerName 'rm-passthru')).Name
        $removed = Remove-BwContainer $name -Force -PassThru
        $removed.Name | Should -Be $name
        $removed.Status | Should -Be 'Removed'
    }
}
