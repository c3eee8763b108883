#!/usr/bin/env pwsh
# CudaPrune build script. On Linux: `dotnet tool restore`, then `dotnet pwsh build.ps1 <target>`.
#
# Targets:
#   build    build the solution (Release)
#   test     build, then run the whole NUnit suite (what CI runs)
#   run      run the CLI: dotnet pwsh build.ps1 run <cudaprune arguments>   (a leading -- is allowed)
#   publish  self-contained linux-x64 build of the CLI -> artifacts/cudaprune-linux-x64.tar.gz
#   emu      build the CPU emulator of kernels/*.cu with g++ (cached; docs/EMULATOR.md); prints its path last
#   emu-asan build the emulator's AddressSanitizer runner, which runs one kernel; prints its path last:
#            runner=$(dotnet pwsh build.ps1 emu-asan | tail -n 1)
#            $runner add_kernel1 --grid 4 --block 256 'f32[1000]' 'f32[1000]' 'f32[1000]' i64=1000
#   clean    remove build outputs
#
# Configuration: Release, or $env:CONFIGURATION.
#
# No param() block on purpose: the arguments after `run` go to cudaprune unchanged, and PowerShell would
# otherwise take options such as --out for its own common parameters (-OutVariable, ...).
$Target = if ($args.Count -gt 0) { [string]$args[0] } else { 'build' }
[string[]] $Rest = @($args | Select-Object -Skip 1)
if ($Rest.Count -gt 0 -and $Rest[0] -eq '--') { $Rest = @($Rest | Select-Object -Skip 1) }
$Configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
Set-Location $Root

function Invoke-Step([string] $What, [scriptblock] $Block) {
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE" }
}

# Builds CudaPrune.Cuda and loads it here, so its emulator build (EmulatorBuild) runs in this process;
# returns the build options.
function Import-Emulator {
    Invoke-Step 'dotnet build src/CudaPrune.Cuda' { dotnet build src/CudaPrune.Cuda -c $Configuration --nologo -v minimal } | Out-Host
    Add-Type -Path (Join-Path $Root "src/CudaPrune.Cuda/bin/$Configuration/net10.0/CudaPrune.Cuda.dll")
    # g++ progress lines come from worker threads, where a script block cannot run: print them directly.
    return [CudaPrune.Cuda.Emulation.EmulatorBuildOptions]@{ Log = [Action[string]] [Console]::WriteLine }
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
        # The CLI's own exit code and error line are the answer; no PowerShell error on top of them.
        dotnet run --project src/CudaPrune.Cli -c $Configuration -- @Rest
        exit $LASTEXITCODE
    }
    'publish' {
        $out = Join-Path $Root 'artifacts/publish/cudaprune-linux-x64'
        if (Test-Path $out) { Remove-Item -Recurse -Force $out }
        Invoke-Step 'dotnet publish (self-contained, linux-x64)' {
            dotnet publish src/CudaPrune.Cli -c Release -r linux-x64 --self-contained true `
                -p:PublishSingleFile=false -p:DebugType=none -p:GenerateDocumentationFile=false `
                -p:PublishTrimmed=true -p:TrimMode=partial -p:JsonSerializerIsReflectionEnabledByDefault=true -p:SuppressTrimAnalysisWarnings=true -o $out --nologo -v minimal
        }
        $tar = Join-Path $Root 'artifacts/cudaprune-linux-x64.tar.gz'
        Invoke-Step 'pack' { tar -czf $tar -C (Split-Path $out) (Split-Path $out -Leaf) }
        $mb = [math]::Round((Get-Item $tar).Length / 1MB, 1)
        Write-Host "wrote $tar ($mb MB)"
        if ($mb -gt 40) { throw "the packed build is $mb MB, over the 40 MB that fits the GPU machine's upload" }
    }
    'emu' {
        $options = Import-Emulator
        $sources = [CudaPrune.Cuda.Emulation.EmulatorSources]::ForProject()
        Write-Output ([CudaPrune.Cuda.Emulation.EmulatorBuild]::Library($sources, $options))
    }
    'emu-asan' {
        $options = Import-Emulator
        $sources = [CudaPrune.Cuda.Emulation.EmulatorSources]::ForProject()
        Write-Output ([CudaPrune.Cuda.Emulation.EmulatorBuild]::AsanRunner($sources, $options))
    }
    'clean' {
        Get-ChildItem -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
        if (Test-Path artifacts) { Remove-Item -Recurse -Force artifacts }
    }
    default { throw "unknown target '$Target' (build, test, run, publish, emu, emu-asan, clean)" }
}
