#Requires -Version 7.4
<#
    Pester 5 suite: one error id per condition (issue 13, finding 8). The ids the code can raise are the constants
    of BatchWords.BwErrorIds (Core); this suite checks README's "Error ids" table against that catalogue both
    ways, that the Troubleshooting table names only real ids, and that the source raises no id outside the
    catalogue (every 'new BwException(kind, id, ...)' and InvalidArgument("id", ...) is a catalogued literal, a
    BwErrorIds constant or one of its service mappings), and that the cmdlets (BatchWords.PowerShell) name every id
    by its BwErrorIds constant, never as a string literal (issue 13, finding 10). Unit: no local stack.

        dotnet pwsh ./build.ps1 -Task Test -TestPath tests/ErrorIds.Tests.ps1
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Repo = Split-Path -Parent $PSScriptRoot
    Import-Module (Get-TestModuleManifest) -Force
    # Core loads into the module's own load context on first use; a cmdlet call brings it in.
    $null = Get-BwContext -ErrorAction SilentlyContinue
    $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BatchWords.Core' } | Select-Object -First 1
    $script:Catalogue = @($core.GetType('BatchWords.BwErrorIds', $true)::All)
    $script:ServicePrefixes = @($core.GetType('BatchWords.BwErrorIds')::BatchServicePrefix, $core.GetType('BatchWords.BwErrorIds')::StorageServicePrefix)

    function Get-ReadmeTableIds([string] $Heading) {
        # The backticked names in the first cell of each row of the first table after the heading.
        $lines = Get-Content (Join-Path $Repo 'README.md')
        $start = [Array]::IndexOf($lines, $Heading)
        if ($start -lt 0) { throw "README has no '$Heading'." }
        $ids = [Collections.Generic.List[string]]::new()
        $inTable = $false
        for ($i = $start + 1; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($line.StartsWith('|')) {
                $inTable = $true
                $first = $line.Split('|')[1]
                foreach ($m in [regex]::Matches($first, '`([^`]+)`')) { $ids.Add($m.Groups[1].Value) }
            }
            elseif ($inTable) { break }
        }
        $ids
    }

    function Get-RaisedErrorIds {
        # Every error id expression in the source of Core and the cmdlets: 'new BwException(kind, <id>, ...' (also
        # target-typed 'new(kind, <id>, ...'), InvalidArgument("<id>", ...), 'new ErrorRecord(e, <id>, ...' and
        # checks of 'ErrorId == <id>' (also != and 'is'), whether <id> is a literal or a BwErrorIds constant.
        $files = Get-ChildItem (Join-Path $Repo 'src/BatchWords.Core'), (Join-Path $Repo 'BatchWords.PowerShell') -Recurse -Filter *.cs |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
        foreach ($file in $files) {
            $text = Get-Content -Raw $file.FullName
            $layer = if ($file.FullName -like "*$([IO.Path]::DirectorySeparatorChar)BatchWords.PowerShell$([IO.Path]::DirectorySeparatorChar)*") { 'PowerShell' } else { 'Core' }
            $patterns = '\bnew(?:\s+BwException)?\(\s*BwErrorKind\.\w+,\s*(?<id>[^,]+?)\s*,', '\bInvalidArgument\(\s*(?<id>"[^"]*")',
                '\bErrorId\s*(?:==|!=|is)\s*(?<id>"[^"]*"|BwErrorIds\.\w+)', '\bnew\s+ErrorRecord\(\s*[^,]+,\s*(?<id>[^,]+?)\s*,'
            foreach ($pattern in $patterns) {
                foreach ($m in [regex]::Matches($text, $pattern)) {
                    [pscustomobject]@{ File = $file.Name; Layer = $layer; Expression = $m.Groups['id'].Value.Trim() }
                }
            }
        }
    }
}

Describe 'Error ids' -Tag 'Unit' {
    It 'README lists exactly the catalogue, plus the rows for other service codes' {
        $readme = @(Get-ReadmeTableIds '### Error ids')
        $patterns = @($readme | Where-Object { $_ -match '<code>$' })
        $listed = @($readme | Where-Object { $_ -notmatch '<code>$' })

        @($Catalogue | Where-Object { $_ -notin $listed }) | Should -BeNullOrEmpty -Because 'every id the code can raise is in README'
        @($listed | Where-Object { $_ -cnotin $Catalogue }) | Should -BeNullOrEmpty -Because 'README names no id the code does not raise'
        @($patterns | ForEach-Object { $_ -replace '<code>$' } | Sort-Object) | Should -Be @($ServicePrefixes | Sort-Object)
        $listed.Count | Should -Be ($listed | Sort-Object -Unique).Count
    }

    It 'the Troubleshooting table names only real ids' {
        $named = @(Get-ReadmeTableIds '## Troubleshooting')
        $named | Should -Not -BeNullOrEmpty
        @($named | Where-Object { $_ -cnotin $Catalogue }) | Should -BeNullOrEmpty
    }

    It 'the source raises no id outside the catalogue' {
        $raised = @(Get-RaisedErrorIds)
        $raised.Count | Should -BeGreaterThan 60
        # The places an id is passed on rather than written: BwCmdletBase (InvalidArgument's callers' literals are
        # scanned; ToErrorRecord passes the BwException's id on) and BatchIds (a switch over catalogue constants).
        $indirect = @{ 'BwCmdletBase.cs' = @('errorId', 'error.ErrorId'); 'BatchIds.cs' = @('ErrorIdFor(what)') }
        $problems = foreach ($r in $raised) {
            $e = $r.Expression
            if ($e -match '^"(?<id>[^"]*)"$') { if ($Matches.id -cnotin $Catalogue) { "$($r.File): ""$($Matches.id)"" is not in BwErrorIds" } }
            elseif ($e -match '^BwErrorIds\.(?<id>\w+)$') { if ($Matches.id -cnotin $Catalogue) { "$($r.File): BwErrorIds.$($Matches.id) is not an id" } }
            elseif ($e -match '^BwErrorIds\.From(Batch|Storage)Service\(') { }
            elseif ($e -cnotin $indirect[$r.File]) { "$($r.File): the id '$e' is computed; use a BwErrorIds constant" }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'the cmdlets name every id by its BwErrorIds constant, never as a string literal' {
        $raised = @(Get-RaisedErrorIds | Where-Object Layer -EQ 'PowerShell')
        $raised.Count | Should -BeGreaterThan 10
        $literals = foreach ($r in $raised) {
            if ($r.Expression -match '^"') { "$($r.File): $($r.Expression) is a literal; use BwErrorIds.$($r.Expression.Trim('"'))" }
        }
        $literals | Should -BeNullOrEmpty
    }

    It 'no condition has two ids: the old duplicates are gone' {
        foreach ($old in 'StorageContainerNotFound', 'BatchPoolNotFound', 'BatchJobNotFound', 'BatchTaskNotFound', 'StorageAuthorizationFailure', 'InputNotFound') {
            $old | Should -Not -BeIn $Catalogue
        }
    }
}
