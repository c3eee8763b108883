#!/usr/bin/env pwsh
# CudaPrune build script. On Linux: `dotnet tool restore`, then `dotnet pwsh build.ps1 <target>`.
#
# Targets:
#   build    build the solution (Release)
#   test     build, then run the whole NUnit suite (what CI runs)
#   run      run the CLI: dotnet pwsh build.ps1 run -- <cudaprune arguments>
#   publish  self-contained linux-x64 build of the CLI -> artifacts/cudaprune-linux-x64.tar.gz
#   clean    remove build outputs
param(
    [Parameter(Position = 0)] [string] $Target = 'build',
    [string] $Configuration = 'Release',
    [Parameter(ValueFromRemainingArguments = $true)] [string[]] $Rest
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
Set-Location $Root

function Invoke-Step([string] $What, [scriptblock] $Block) {
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE" }
}

function Build-Solution {
    Invoke-Step 'dotnet build' { dotnet build CudaPrune.sln -c $Configuration --nologo -v minimal }
}

switch ($Target) {
    'build' { Build-Solution }
    'test' {
        Build-Solution
        Invoke-Step 'dotnet test' { dotnet test CudaPrune.sln -c $Configuration --no-build --nologo -v minimal --logger 'console;verbosity=normal' @Rest }
    }
    'run' {
        Invoke-Step 'cudaprune' { dotnet run --project src/CudaPrune.Cli -c $Configuration -- @Rest }
    }
    'publish' {
        $out = Join-Path $Root 'artifacts/publish/cudaprune-linux-x64'
        if (Test-Path $out) { Remove-Item -Recurse -Force $out }
        Invoke-Step 'dotnet publish (self-contained, linux-x64)' {
            dotnet publish src/CudaPrune.Cli -c Release -r linux-x64 --self-contained true `
                -p:PublishSingleFile=false -p:DebugType=none -p:GenerateDocumentationFile=false -o $out --nologo -v minimal
        }
        $tar = Join-Path $Root 'artifacts/cudaprune-linux-x64.tar.gz'
        Invoke-Step 'pack' { tar -czf $tar -C (Split-Path $out) (Split-Path $out -Leaf) }
        $mb = [math]::Round((Get-Item $tar).Length / 1MB, 1)
        Write-Host "wrote $tar ($mb MB)"
        if ($mb -gt 40) { throw "the packed build is $mb MB, over the 40 MB that fits the GPU machine's upload" }
    }
    'clean' {
        Get-ChildItem -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
        if (Test-Path artifacts) { Remove-Item -Recurse -Force artifacts }
    }
    default { throw "unknown target '$Target' (build, test, run, publish, clean)" }
}
