using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using Tidewater.Shipments.Api.Services;

var builder = WebApplication.CreateBuilder(args);

// Entra ID: validates incoming tokens and, with the app's own credential (AzureAd:ClientSecret),
// acquires tokens for the carrier gateway on behalf of the API.
builder.Services
    .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"))
    .EnableTokenAcquisitionToCallDownstreamApi()
    .AddDownstreamApi("CarrierGateway", builder.Configuration.GetSection("DownstreamApis:CarrierGateway"))
    .AddInMemoryTokenCaches();

builder.Services.AddAuthorization();
builder.Services.AddControllers();

builder.Services.AddSingleton(sp =>
{
    var storage = builder.Configuration.GetSection("Storage");
    if (storage.GetValue<bool>("UseEmulator"))
    {
        return new BlobServiceClient("UseDevelopmentStorage=true");
    }

    var account = storage["AccountName"]
        ?? throw new InvalidOperationException("Storage:AccountName is not configured.");
    return new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new DefaultAzureCredential());
});

builder.Services.AddScoped<CarrierGatewayClient>();

var app = builder.Build();

app.UseHttpsRedirection();
app.UseAuthentication();
app.UseAuthorization();
app.MapControllers();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous();

app.Run();
