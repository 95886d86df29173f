<#
    Turns the cmdlet help kept as markdown (one <Cmdlet>.md per cmdlet, in this folder) into the MAML file
    Get-Help reads (en-US/BatchWords.PowerShell.dll-Help.xml), in the spirit of platyPS, which is not
    available on machines without the PowerShell Gallery.

    The syntax (parameter sets, types, positions, pipeline input, aliases) is not written by hand: it is
    read from the imported module with Get-Command, so help can never disagree with the cmdlets. The
    markdown supplies what only a person can write: synopsis, description, examples, parameter
    descriptions, inputs, outputs, notes and links. The build fails when a cmdlet has no page, a page
    describes a parameter the cmdlet does not have, a parameter has no description, a page has fewer
    than two examples, an example has no explanation under its code, or a parameter's text and its
    [SupportsWildcards] metadata disagree about wildcards.

    Defaults come from the code too (Get-ParameterDefault): a [PSDefaultValue(Help = ...)] attribute where the
    default is not a plain value, else the property's initial value on a new instance of the cmdlet.

    Run by build.ps1 (in a child pwsh that imports the freshly built module).
#>

$script:CommonParameters = @(
    'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction', 'ErrorVariable',
    'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable')

$script:StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Read-HelpMarkdown([string] $Path) {
    # Parses one page into: Name, Synopsis, Description, Examples (Title, Code, Remarks), Parameters
    # (name -> text), Inputs and Outputs (type -> text), Notes, Links (Text, Uri).
    $page = @{
        Name = $null; Synopsis = ''; Description = @(); Examples = [Collections.Generic.List[object]]::new()
        Parameters = [ordered]@{}; Inputs = [ordered]@{}; Outputs = [ordered]@{}; Notes = @(); Links = @()
    }
    $section = $null; $sub = $null; $buffer = [Collections.Generic.List[string]]::new(); $inCode = $false
    $code = [Collections.Generic.List[string]]::new(); $example = $null

    $flush = {
        $paragraphs = @(ConvertTo-Paragraphs $buffer)
        $buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { if ($paragraphs) { $page.Synopsis = $paragraphs -join ' ' } }
            'DESCRIPTION' { $page.Description += $paragraphs }
            'EXAMPLES' { if ($example) { $example.Remarks += $paragraphs } }
            'PARAMETERS' { if ($sub) { $page.Parameters[$sub] = @($page.Parameters[$sub]) + $paragraphs | Where-Object { $_ } } }
            'INPUTS' { if ($sub) { $page.Inputs[$sub] = @($paragraphs) } }
            'OUTPUTS' { if ($sub) { $page.Outputs[$sub] = @($paragraphs) } }
            'NOTES' { $page.Notes += $paragraphs }
            'RELATED LINKS' {
                foreach ($p in $paragraphs) {
                    $m = [regex]::Match($p, '^\s*-?\s*\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)')
                    if ($m.Success) { $page.Links += @{ Text = $m.Groups['text'].Value; Uri = $m.Groups['uri'].Value } }
                    else { $page.Links += @{ Text = $p.TrimStart('-', ' '); Uri = '' } }
                }
            }
        }
    }

    $lines = @(Get-Content -LiteralPath $Path)
    $start = 0
    if ($lines.Length -gt 0 -and $lines[0] -eq '---') {
        # YAML front matter (platyPS style): skipped.
        $start = 1
        while ($start -lt $lines.Length -and $lines[$start] -ne '---') { $start++ }
        $start++
    }
    for ($i = $start; $i -lt $lines.Length; $i++) {
        $line = $lines[$i]
        if ($inCode) {
            if ($line.TrimStart().StartsWith('```')) { $inCode = $false; if ($example) { $example.Code = ($code -join "`n") }; $code.Clear() }
            else { $code.Add($line) }
            continue
        }
        if ($line.TrimStart().StartsWith('```')) { & $flush; $inCode = $true; continue }
        if ($line -match '^# (?<name>\S.*)$') { & $flush; $page.Name = $Matches.name.Trim(); continue }
        if ($line -match '^## (?<s>.+)$') {
            & $flush; $section = $Matches.s.Trim().ToUpperInvariant(); $sub = $null; $example = $null; continue
        }
        if ($line -match '^### (?<s>.+)$') {
            & $flush
            $sub = $Matches.s.Trim()
            if ($section -eq 'EXAMPLES') {
                $example = @{ Title = $sub; Code = ''; Remarks = @() }
                $page.Examples.Add($example)
            }
            elseif ($section -eq 'PARAMETERS') {
                $sub = $sub.TrimStart('-')
                $page.Parameters[$sub] = @()
            }
            continue
        }
        $buffer.Add($line)
    }
    & $flush
    return $page
}

function ConvertTo-Paragraphs($Lines) {
    # Blank lines separate paragraphs; lines inside one paragraph are joined; list items stay separate.
    $current = [Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        $trimmed = $line.Trim()
        if ($trimmed.Length -eq 0 -or $trimmed -match '^[-*] ') {
            if ($current.Count) { ($current -join ' '); $current.Clear() }
            if ($trimmed.Length) { $current.Add($trimmed) }
            continue
        }
        $current.Add($trimmed)
    }
    if ($current.Count) { ($current -join ' ') }
}

function Get-PipelineInputText($Attributes) {
    $kinds = @()
    foreach ($a in $Attributes) {
        if ($a.ValueFromPipeline) { $kinds += 'ByValue' }
        if ($a.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    }
    $kinds = @($kinds | Where-Object { $_ } | ForEach-Object { $_ })
    if ($kinds.Count -eq 0) { return 'False' }
    return 'True (' + ((@($kinds) | ForEach-Object { $_ }) -join ', ' ) + ')'
}

function Get-TypeDisplayName([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return (Get-TypeDisplayName $Type.GetGenericArguments()[0]) }
    return $Type.Name
}

function Get-ParameterProperty($Command, [string] $Name) {
    # The cmdlet class's property behind a parameter (the base class's for -Context).
    $Command.ImplementingType.GetProperty($Name, [Reflection.BindingFlags]'Public, Instance')
}

function Test-SupportsWildcards($Command, [string] $Name) {
    $property = Get-ParameterProperty $Command $Name
    [bool]($property -and $property.GetCustomAttributes([System.Management.Automation.SupportsWildcardsAttribute], $true).Count)
}

function Test-MentionsWildcards([string[]] $Text) {
    # The description says the parameter takes wildcards (and not that it takes none).
    $joined = $Text -join ' '
    $joined -match '(?i)wildcard' -and $joined -notmatch '(?i)\bno wildcards|not (take|accept|allow)\w* wildcards'
}

$script:DefaultInstances = @{}

function Get-ParameterDefault($Command, $Parameter) {
    <#
        What the cmdlet uses when the parameter is not given, for the MAML's defaultValue: False for a switch;
        the [PSDefaultValue] attribute's Help (or Value) when the default is computed or means "all"; else the
        property's initial value on a new instance of the cmdlet. 'None' only when there is none: a parameter
        mandatory in every set, or an initial value that is null, empty or an empty array.
    #>
    if ($Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $property = Get-ParameterProperty $Command $Parameter.Name
    if (-not $property) { return 'None' }
    $attribute = @($property.GetCustomAttributes([System.Management.Automation.PSDefaultValueAttribute], $true))[0]
    if ($attribute) { return $(if ($attribute.Help) { $attribute.Help } else { "$($attribute.Value)" }) }
    $sets = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    if ($sets.Count -and -not ($sets | Where-Object { -not $_.Mandatory })) { return 'None' }
    $type = $Command.ImplementingType
    if (-not $script:DefaultInstances.ContainsKey($type)) { $script:DefaultInstances[$type] = [Activator]::CreateInstance($type) }
    $value = $property.GetValue($script:DefaultInstances[$type])
    if ($null -eq $value -or "$value" -eq '') { return 'None' }
    if ($value -is [Collections.IEnumerable] -and $value -isnot [string]) {
        $items = @($value)
        if ($items.Count -eq 0) { return 'None' }
        return ($items -join ', ')
    }
    return "$value"
}

function Test-HelpPage($Command, $Page) {
    # Problems that fail the build: help must describe exactly the cmdlet's parameters, with examples.
    $problems = @()
    if (-not $Page.Synopsis) { $problems += "$($Command.Name): no SYNOPSIS" }
    if (-not $Page.Description) { $problems += "$($Command.Name): no DESCRIPTION" }
    if ($Page.Examples.Count -lt 2) { $problems += "$($Command.Name): $($Page.Examples.Count) example(s), at least 2 are required" }
    foreach ($ex in $Page.Examples) {
        if (-not $ex.Code) { $problems += "$($Command.Name): example '$($ex.Title)' has no code block" }
        if (-not @($ex.Remarks | Where-Object { $_ }).Count) { $problems += "$($Command.Name): example '$($ex.Title)' has no explanation (a paragraph under its code block)" }
    }
    $actual = @($Command.Parameters.Keys | Where-Object { $script:CommonParameters -notcontains $_ })
    foreach ($name in $actual) {
        $described = $Page.Parameters.Contains($name) -and @($Page.Parameters[$name]).Count -gt 0
        if (-not $described -and -not $script:StandardDescriptions.ContainsKey($name)) { $problems += "$($Command.Name): parameter -$name is not described" }
        if ($described) {
            $supports = Test-SupportsWildcards $Command $name
            $mentions = Test-MentionsWildcards @($Page.Parameters[$name])
            if ($mentions -and -not $supports) { $problems += "$($Command.Name): -$name is described as taking wildcards, but has no [SupportsWildcards]" }
            if ($supports -and -not $mentions) { $problems += "$($Command.Name): -$name has [SupportsWildcards], but its description does not say it takes wildcards" }
        }
    }
    foreach ($name in $Page.Parameters.Keys) {
        if ($actual -notcontains $name) { $problems += "$($Command.Name): the page describes -$name, which the cmdlet does not have" }
    }
    if ($Page.Name -and $Page.Name -ne $Command.Name) { $problems += "$($Command.Name): the page is titled '$($Page.Name)'" }
    return $problems
}

function Write-MamlParameter($Writer, $Command, $Parameter, $Page, $SetName) {
    $m = 'http://schemas.microsoft.com/maml/2004/10'
    $c = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $d = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $inSet = @($attributes | Where-Object { $null -eq $SetName -or $_.ParameterSetName -eq $SetName -or $_.ParameterSetName -eq '__AllParameterSets' })
    if ($inSet.Count -eq 0) { $inSet = $attributes }
    $first = if ($inSet.Count) { $inSet[0] } else { $null }
    $mandatory = [bool]($inSet | Where-Object { $_.Mandatory })
    $position = if ($first -and $first.Position -ge 0) { [string]$first.Position } else { 'named' }
    $typeName = Get-TypeDisplayName $Parameter.ParameterType
    $isSwitch = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $text = if ($Page.Parameters.Contains($Parameter.Name) -and @($Page.Parameters[$Parameter.Name]).Count) { @($Page.Parameters[$Parameter.Name]) } else { @($script:StandardDescriptions[$Parameter.Name]) }

    $Writer.WriteStartElement('command', 'parameter', $c)
    $Writer.WriteAttributeString('required', $mandatory.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', (Test-SupportsWildcards $Command $Parameter.Name).ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $inSet))
    $Writer.WriteAttributeString('position', $position)
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('name', $m, $Parameter.Name)
    $Writer.WriteStartElement('description', $m)
    foreach ($p in $text) { $Writer.WriteElementString('para', $m, $p) }
    $Writer.WriteEndElement()
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $c)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($typeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('type', $d)
    $Writer.WriteElementString('name', $m, $typeName)
    $Writer.WriteElementString('uri', $m, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('defaultValue', $d, (Get-ParameterDefault $Command $Parameter))
    $Writer.WriteEndElement()
}

function Write-MamlCommand($Writer, $Command, $Page) {
    $m = 'http://schemas.microsoft.com/maml/2004/10'
    $c = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $d = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $Writer.WriteStartElement('command', 'command', $c)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $m)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $c)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $d)

    $Writer.WriteStartElement('command', 'details', $c)
    $Writer.WriteElementString('command', 'name', $c, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $c, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $c, $Command.Noun)
    $Writer.WriteStartElement('description', $m); $Writer.WriteElementString('para', $m, $Page.Synopsis); $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('description', $m)
    foreach ($p in $Page.Description) { $Writer.WriteElementString('para', $m, $p) }
    $Writer.WriteEndElement()

    $visible = { param($p) $script:CommonParameters -notcontains $p.Name }
    $Writer.WriteStartElement('command', 'syntax', $c)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $c)
        $Writer.WriteElementString('name', $m, $Command.Name)
        foreach ($sp in $set.Parameters) {
            if (-not (& $visible $sp)) { continue }
            Write-MamlParameter $Writer $Command $Command.Parameters[$sp.Name] $Page $set.Name
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $c)
    foreach ($p in $Command.Parameters.Values) {
        if (& $visible $p) { Write-MamlParameter $Writer $Command $p $Page $null }
    }
    $Writer.WriteEndElement()

    foreach ($pair in @(@('inputTypes', 'inputType', $Page.Inputs), @('returnValues', 'returnValue', $Page.Outputs))) {
        $Writer.WriteStartElement('command', $pair[0], $c)
        foreach ($type in $pair[2].Keys) {
            $Writer.WriteStartElement('command', $pair[1], $c)
            $Writer.WriteStartElement('type', $d); $Writer.WriteElementString('name', $m, $type); $Writer.WriteEndElement()
            $Writer.WriteStartElement('description', $m)
            foreach ($p in @($pair[2][$type])) { $Writer.WriteElementString('para', $m, $p) }
            $Writer.WriteEndElement()
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('alertSet', $m)
    $Writer.WriteStartElement('alert', $m)
    foreach ($p in $Page.Notes) { $Writer.WriteElementString('para', $m, $p) }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $c)
    foreach ($ex in $Page.Examples) {
        $Writer.WriteStartElement('command', 'example', $c)
        $Writer.WriteElementString('title', $m, "-------------------------- $($ex.Title) --------------------------")
        $Writer.WriteElementString('code', $d, $ex.Code)
        $Writer.WriteStartElement('remarks', $d)
        foreach ($p in $ex.Remarks) { $Writer.WriteElementString('para', $m, $p) }
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $c)
    foreach ($link in $Page.Links) {
        $Writer.WriteStartElement('navigationLink', $m)
        $Writer.WriteElementString('linkText', $m, $link.Text)
        $Writer.WriteElementString('uri', $m, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

function Build-BwHelp {
    <#
        Writes <OutputDirectory>/BatchWords.PowerShell.dll-Help.xml from the markdown pages and copies the
        about_*.help.txt topics. ModuleName must already be imported. Throws, listing every problem, when the
        pages and the cmdlets disagree.
    #>
    param([string] $MarkdownDirectory, [string] $ModuleName, [string] $OutputDirectory)

    $commands = @(Get-Command -Module $ModuleName -CommandType Cmdlet)
    if ($commands.Count -eq 0) { throw "Help: module '$ModuleName' exports no cmdlets; import it before building help." }
    $problems = @()
    $pages = @{}
    foreach ($command in $commands) {
        $path = Join-Path $MarkdownDirectory "$($command.Name).md"
        if (-not (Test-Path $path)) { $problems += "$($command.Name): no help page $path"; continue }
        $page = Read-HelpMarkdown $path
        $problems += Test-HelpPage $command $page
        $pages[$command.Name] = $page
    }
    foreach ($file in Get-ChildItem $MarkdownDirectory -Filter '*-Bw*.md') {
        $name = $file.BaseName
        if (-not ($commands | Where-Object Name -EQ $name)) { $problems += "${name}: a help page exists but the module exports no such cmdlet" }
    }
    if ($problems.Count) { throw ("Help pages and cmdlets disagree:`n  " + ($problems -join "`n  ")) }

    $null = New-Item -ItemType Directory -Force -Path $OutputDirectory
    $settings = [Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [Text.UTF8Encoding]::new($false)
    $target = Join-Path $OutputDirectory 'BatchWords.PowerShell.dll-Help.xml'
    $writer = [Xml.XmlWriter]::Create($target, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($name in @($commands | ForEach-Object Name | Sort-Object -CaseSensitive)) {
            $command = $commands | Where-Object Name -EQ $name
            Write-MamlCommand $writer $command $pages[$name]
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }

    Copy-Item (Join-Path $MarkdownDirectory 'about_*.help.txt') $OutputDirectory -Force
    return $target
}
