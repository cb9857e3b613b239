# syntax=docker/dockerfile:1
# OpenChat: build with the .NET 10 SDK, run on the ASP.NET Core 10 runtime (Ubuntu 24.04 "noble" images).
#   docker build -t openchat .
#   docker run --rm -p 8080:8080 -v openchat-data:/data openchat
# With Postgres: docker compose up --build (see docker-compose.yml).

# ---- build ------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the files that decide it, so source edits do not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY OpenChat.Web/OpenChat.Web.csproj OpenChat.Web/
RUN dotnet restore OpenChat.Web/OpenChat.Web.csproj

# Then what the app is built from: its project folder plus the web root and migrations at the repository root
# (the csproj copies ../wwwroot and ../sql next to the dll on publish). Tests and the bench are not needed.
COPY OpenChat.Web/ OpenChat.Web/
COPY wwwroot/ wwwroot/
COPY sql/ sql/
RUN dotnet publish OpenChat.Web/OpenChat.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false -p:IsTransformWebConfigDisabled=true \
 && test -f /app/OpenChat.Web.dll && test -d /app/wwwroot && test -d /app/sql

# ---- runtime ----------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Data folder (file store, Data Protection keys, the fallback spool). Created before VOLUME and owned by the
# image's non-root "app" user (APP_UID=1654), so a new named volume starts with that owner.
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data

# The app listens on PORT (platforms such as Render or Heroku set their own). ASPNETCORE_HTTP_PORTS
# (8080 in the base image) is cleared so PORT is the only binding.
ENV ASPNETCORE_ENVIRONMENT=Production \
    PORT=8080 \
    ASPNETCORE_HTTP_PORTS="" \
    Storage__DataPath=/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

COPY --from=build --chown=root:root /app ./

USER $APP_UID
VOLUME /data
EXPOSE 8080

# The aspnet image has no curl or wget. Rather than install one (an apt layer, ~10 MB and more attack surface
# for one probe), the check uses bash's built-in /dev/tcp, which the Ubuntu-based image has: it sends
# GET /healthz and passes only on an HTTP 200 status line. (A -chiseled base would need a different check.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200 '"]

ENTRYPOINT ["dotnet", "OpenChat.Web.dll"]
