using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Identity.Web.Resource;
using Tidewater.Shipments.Api.Services;

namespace Tidewater.Shipments.Api.Controllers;

[ApiController]
[Authorize]
[Route("api/shipments")]
public sealed class ShipmentsController : ControllerBase
{
    private readonly CarrierGatewayClient _carriers;
    private readonly BlobServiceClient _blobs;
    private readonly IConfiguration _configuration;

    public ShipmentsController(CarrierGatewayClient carriers, BlobServiceClient blobs, IConfiguration configuration)
    {
        _carriers = carriers;
        _blobs = blobs;
        _configuration = configuration;
    }

    [HttpGet("{id}")]
    [RequiredScope("Shipments.Read")]
    public async Task<IActionResult> Get(string id, CancellationToken cancellationToken)
    {
        var status = await _carriers.GetTrackingStatusAsync(id, cancellationToken);
        return status is null ? NotFound() : Ok(status);
    }

    [HttpGet("{id}/label")]
    [RequiredScope("Shipments.Read")]
    public async Task<IActionResult> GetLabel(string id, CancellationToken cancellationToken)
    {
        var container = _blobs.GetBlobContainerClient(_configuration["Shipments:LabelContainer"] ?? "labels");
        var blob = container.GetBlobClient($"{id}.pdf");
        if (!await blob.ExistsAsync(cancellationToken))
        {
            return NotFound();
        }

        var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken);
        return File(stream, "application/pdf", $"{id}.pdf");
    }
}
