using Microsoft.Identity.Abstractions;

namespace Tidewater.Shipments.Api.Services;

/// <summary>Calls the carrier gateway with an app-only token (client credentials).</summary>
public sealed class CarrierGatewayClient
{
    private readonly IDownstreamApi _api;
    private readonly ILogger<CarrierGatewayClient> _logger;

    public CarrierGatewayClient(IDownstreamApi api, ILogger<CarrierGatewayClient> logger)
    {
        _api = api;
        _logger = logger;
    }

    public async Task<TrackingStatus?> GetTrackingStatusAsync(string shipmentId, CancellationToken cancellationToken)
    {
        try
        {
            return await _api.GetForAppAsync<TrackingStatus>(
                "CarrierGateway",
                options => options.RelativePath = $"tracking/{Uri.EscapeDataString(shipmentId)}",
                cancellationToken: cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            _logger.LogInformation("Shipment {ShipmentId} unknown to the carrier gateway", shipmentId);
            return null;
        }
    }
}

public sealed record TrackingStatus(string ShipmentId, string Carrier, string Status, DateTimeOffset UpdatedAt);
