# Builds one broker node image. docker-compose.yml runs three of them against one Redis.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Broker.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# 8080: HTTP, WebSocket and API. 4053: Akka.Cluster.
EXPOSE 8080 4053
ENTRYPOINT ["dotnet", "Broker.Server.dll"]
