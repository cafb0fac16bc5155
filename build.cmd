@echo off
rem Single entry point on Windows: restores the pinned Cake tool and runs build.cake.
setlocal
cd /d "%~dp0"
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
dotnet tool restore || exit /b 1
dotnet cake build.cake %*
